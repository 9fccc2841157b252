/**
 * Syntax errors from a tree-sitter tree: its ERROR and MISSING nodes, plus the Python checks that
 * tree-sitter's lenient grammar does not make (see `pythonStrictIssues`).
 */
import type { Node, Tree } from 'web-tree-sitter';
import { pythonStrictIssues } from './pythonStrict.js';
import type { SyntaxIssue } from './syntaxCheck.js';
import { parseTree, withCursor } from './treeSitterRuntime.js';

/** How much of an unparsable span a message quotes. */
const SNIPPET_CHARS = 40;

/** Quotes the start of a node's text for a message: its first line, trimmed and capped. */
export function snippet(text: string): string {
  const line = text.trimStart().split('\n', 1)[0]!.trimEnd();
  return line.length > SNIPPET_CHARS ? `${line.slice(0, SNIPPET_CHARS)}…` : line;
}

function issueAt(node: Node, message: string, lineShift: number, offsetShift: number): SyntaxIssue {
  return {
    message,
    line: node.startPosition.row + 1 - lineShift,
    column: node.startPosition.column + 1,
    offset: Math.max(0, node.startIndex - offsetShift),
  };
}

function errorMessage(node: Node, codeLength: number): string {
  const text = node.text;
  if (text.trim() === '') return node.endIndex >= codeLength ? 'unexpected end of input' : 'unexpected input';
  return `cannot parse \`${snippet(text)}\``;
}

/**
 * The ERROR and MISSING nodes of a tree, in document order, at most `max`. Only subtrees whose
 * `hasError` is set are entered, so a clean tree costs O(1) and a broken one O(broken part).
 * `lineShift`/`offsetShift` undo a prefix the caller added to the code (PHP's `<?php` tag).
 */
export function treeErrors(tree: Tree, max: number, lineShift = 0, offsetShift = 0): SyntaxIssue[] {
  const issues: SyntaxIssue[] = [];
  if (!tree.rootNode.hasError) return issues;
  const codeLength = tree.rootNode.endIndex;
  return withCursor(tree, (cursor) => {
    for (;;) {
      const node = cursor.currentNode;
      let enter = false;
      if (node.isMissing) {
        issues.push(
          issueAt(node, `missing ${node.isNamed ? node.type : `"${node.type}"`}`, lineShift, offsetShift),
        );
      } else if (node.isError) {
        issues.push(issueAt(node, errorMessage(node, codeLength), lineShift, offsetShift));
      } else {
        enter = node.hasError;
      }
      if (issues.length >= max) return issues;
      if (enter && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return issues;
      }
    }
  });
}

function innermostError(root: Node): Node {
  let node = root;
  for (;;) {
    let next: Node | undefined;
    for (let i = 0; i < node.childCount && next === undefined; i++) {
      const child = node.child(i);
      if (child?.hasError) next = child;
    }
    if (next === undefined) return node;
    node = next;
  }
}

/**
 * Parses `code` with tree-sitter and returns its syntax errors (at most `max`), or undefined when
 * the language's grammar is not loaded.
 *
 * @example
 * checkWithTreeSitter('python', 'x = (1 +)\n', 20); // → [{ message: 'cannot parse `+`', line: 1, column: 8, offset: 7 }]
 */
export function checkWithTreeSitter(language: string, code: string, max: number): SyntaxIssue[] | undefined {
  // tree-sitter-php treats everything outside `<?php … ?>` as HTML text, so a bare PHP snippet
  // (common in answers) would never be checked: open a PHP tag first, then shift positions back.
  const phpTag = language === 'php' && !code.includes('<?') ? '<?php\n' : '';
  const source = phpTag + code;
  return parseTree(language, source, (tree) => {
    const lineShift = phpTag === '' ? 0 : 1;
    let issues = treeErrors(tree, max, lineShift, phpTag.length);
    if (language === 'python' && issues.length < max) {
      const strict = pythonStrictIssues(tree, max - issues.length);
      if (strict.length > 0) issues = [...issues, ...strict].sort((a, b) => a.offset - b.offset);
    }
    if (issues.length === 0 && tree.rootNode.hasError) {
      // The error is a hidden node (a MISSING token of a rule whose name starts with `_`), which
      // cursors do not visit: report the smallest visible node that contains it.
      const node = innermostError(tree.rootNode);
      issues.push(issueAt(node, `syntax error in \`${snippet(node.text)}\``, lineShift, phpTag.length));
    }
    return issues;
  });
}
