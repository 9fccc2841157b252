/** Shared by the parser and scorer tests. */

/** Per language: a valid snippet, an invalid one, and the line of the (first) error. */
export const SYNTAX_SAMPLES: Readonly<Record<string, readonly [good: string, bad: string, line: number]>> = {
  python: ['def add(a, b):\n    return a + b\n', 'def add(a, b):\n    return a + b)\n', 2],
  javascript: [
    'const add = (a, b) => a + b;\nconsole.log(add(1, 2));\n',
    'function add(a, b) {\n  return a + b;\n}\nconst x = ;\n',
    4,
  ],
  typescript: [
    'interface P { x: number }\nconst p: P = { x: 1 };\nexport function f(a: string): number { return a.length; }\n',
    'let a: number = 1;\nfunction f(x: number {\n  return x;\n}\n',
    2,
  ],
  tsx: [
    'export const App = () => <div className="app">{1 + 1}</div>;\n',
    'const a = 1;\nexport const App = () => <div>hi</span>;\n',
    2,
  ],
  rust: [
    'fn main() {\n    let mut v = vec![1, 2];\n    v.push(3);\n    println!("{:?}", v);\n}\n',
    'fn main() {\n    let x = 1;\n    let y = ;\n}\n',
    3,
  ],
  go: [
    'package main\n\nimport "fmt"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(x)\n}\n',
    'package main\n\nfunc main() {\n\tx := \n}\n',
    4,
  ],
  java: [
    'public class Main {\n  public static void main(String[] args) {\n    System.out.println("hi");\n  }\n}\n',
    'public class Main {\n  void m() {\n    int x = ;\n  }\n}\n',
    3,
  ],
  c: [
    '#include <stdio.h>\n\nint main(void) {\n  printf("%d\\n", 1);\n  return 0;\n}\n',
    '#include <stdio.h>\nint main(void) {\n  int x = ;\n  return 0;\n}\n',
    3,
  ],
  cpp: [
    '#include <vector>\nint main() {\n  std::vector<int> v{1, 2};\n  return v.size();\n}\n',
    'int main() {\n  int x = 1;\n  return x +;\n}\n',
    3,
  ],
  bash: [
    '#!/bin/bash\nfor f in *.txt; do\n  echo "$f"\ndone\n',
    'echo start\necho "a" | | grep b\necho end\n',
    2,
  ],
  css: [
    '.a > b {\n  color: red;\n  margin: 0 auto;\n}\n',
    '.a {\n  color: red;\n}\n.b {\n  color red;\n}\n',
    5,
  ],
  ruby: ['def add(a, b)\n  a + b\nend\nputs add(1, 2)\n', 'def add(a, b)\n  a + b\nend\nputs add(1,\n', 4],
  php: [
    '<?php\nfunction add($a, $b) {\n  return $a + $b;\n}\necho add(1, 2);\n',
    'function add($a, $b) {\n  return $a + ;\n}\n',
    2,
  ],
  csharp: [
    'using System;\nclass P {\n  static void Main() {\n    Console.WriteLine(1);\n  }\n}\n',
    'class P {\n  void M() {\n    var x = ;\n  }\n}\n',
    3,
  ],
  powershell: [
    'function Add($a, $b) {\n  return $a + $b\n}\nWrite-Host (Add 1 2)\n',
    'Write-Host "a"\nfunction Add($a, $b) {\n  return $a + $b\n',
    3,
  ],
  json: ['{"a": [1, 2, {"b": null}], "c": "d"}\n', '{\n  "a": 1,\n  "b": 2,\n}\n', 4],
  jsonc: ['{\n  // comment\n  "a": 1,\n}\n', '{\n  "a": 1\n  "b": 2\n}\n', 3],
  yaml: ['a: 1\nb:\n  - x\n  - y\n---\nc: d\n', 'a: 1\nb: [1, 2\nc: 3\n', 3],
  toml: ['[server]\nhost = "x"\nport = 8080\n', '[server]\nhost = "x"\nport = \n', 3],
};
