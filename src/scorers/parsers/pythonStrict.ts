/**
 * The Python errors tree-sitter's grammar lets through but CPython rejects, found on the statement
 * level of a tree (expressions are never entered, so the walk costs O(statements)):
 *
 * - an empty body (`def f():` followed by nothing, or by a comment only): tree-sitter makes a
 *   zero-width `block`; CPython says "expected an indented block";
 * - Python 2 statements `print "x"` and `exec "code"` (tree-sitter has rules for them);
 * - two statements on one line without `;` (`return x)import y`: tree-sitter marks a hidden
 *   MISSING newline, which no walk over visible nodes finds);
 * - a `try` without `except` or `finally`;
 * - `from __future__` imports after other statements, and `from m import a, b,` without
 *   parentheses (a trailing comma tree-sitter allows);
 * - indentation: tree-sitter's scanner accepts a statement indented deeper than its siblings, or
 *   dedented to a column no enclosing block uses; CPython raises IndentationError. Checked only
 *   when the tree has no ERROR node, since error recovery can regroup statements arbitrarily.
 *   Columns count a tab as one character, so a block that mixes tab and space indentation is
 *   reported too (CPython raises TabError for the inconsistent cases).
 */
import type { Tree, TreeCursor } from 'web-tree-sitter';
import type { SyntaxIssue } from './syntaxCheck.js';
import { withCursor } from './treeSitterRuntime.js';

/** Statement-level nodes that can hold blocks; only these are entered. */
const CONTAINERS = new Set([
  'module',
  'block',
  'function_definition',
  'class_definition',
  'decorated_definition',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'match_statement',
  'case_clause',
]);

const PYTHON2: Readonly<Record<string, string>> = {
  print_statement: 'Python 2 print statement (Python 3 needs print(...))',
  exec_statement: 'Python 2 exec statement (Python 3 needs exec(...))',
};

const HANDLERS = new Set(['except_clause', 'except_group_clause', 'finally_clause']);

/** What is known about a container while its children are visited. */
interface Frame {
  readonly type: string;
  /** True for `module` and `block`, whose children are statements. */
  readonly statements: boolean;
  readonly startColumn: number;
  /** For a block: the column of the statement that owns it; its statements must be deeper. */
  readonly headerIndent: number;
  /** The indentation its statements share (-1 until the first statement on a line of its own). */
  indent: number;
  /** End row of the previous child (any child: for a block's first statement, the `:`). */
  previousEndRow: number;
  /** Type and end row of the previous statement, if any. */
  previousStatement: string | undefined;
  previousStatementEndRow: number;
  /** A `;` since the previous statement. */
  separated: boolean;
  /** Only a docstring and `__future__` imports so far (module only). */
  preamble: boolean;
  /** A try statement's except/finally seen. */
  handled: boolean;
}

function frame(type: string, startColumn: number, headerIndent: number, previousEndRow: number): Frame {
  return {
    type,
    statements: type === 'module' || type === 'block',
    startColumn,
    headerIndent,
    indent: type === 'block' ? -1 : 0,
    previousEndRow,
    previousStatement: undefined,
    previousStatementEndRow: -1,
    separated: false,
    preamble: type === 'module',
    handled: false,
  };
}

function at(cursor: TreeCursor, message: string): SyntaxIssue {
  const { row, column } = cursor.startPosition;
  return { message, line: row + 1, column: column + 1, offset: cursor.startIndex };
}

/** Whether the cursor's node is a string statement (a docstring); leaves the cursor in place. */
function isStringStatement(cursor: TreeCursor): boolean {
  if (cursor.nodeType !== 'expression_statement' || !cursor.gotoFirstChild()) return false;
  const firstChildType: string = cursor.nodeType; // (TS would keep the narrowing from above)
  const string = firstChildType === 'string';
  cursor.gotoParent();
  return string;
}

/** The checks on one statement of a module or block (see the file comment). */
function checkStatement(cursor: TreeCursor, f: Frame, checkIndent: boolean, issues: SyntaxIssue[]): void {
  const type = cursor.nodeType;
  const python2 = PYTHON2[type];
  if (python2 !== undefined) issues.push(at(cursor, python2));
  const { row, column } = cursor.startPosition;
  // tree-sitter accepts `return x)import y` (its newline token may go MISSING, and that MISSING
  // node is hidden from cursors), CPython does not.
  if (f.previousStatement !== undefined && !f.separated && row === f.previousStatementEndRow) {
    issues.push(at(cursor, 'missing newline or ";" between statements'));
  }
  if (type === 'future_import_statement') {
    if (!f.preamble)
      issues.push(at(cursor, 'from __future__ imports must occur at the beginning of the file'));
  } else if (f.preamble && !(f.previousStatement === undefined && isStringStatement(cursor))) {
    f.preamble = false;
  }
  if (type === 'import_from_statement') {
    const last = cursor.currentNode.lastChild;
    if (last?.type === ',') {
      const { row: r, column: c } = last.startPosition;
      issues.push({
        message: 'trailing comma not allowed without surrounding parentheses',
        line: r + 1,
        column: c + 1,
        offset: last.startIndex,
      });
    }
  }
  const before = f.previousStatement;
  f.previousStatement = type;
  f.previousStatementEndRow = cursor.endPosition.row;
  f.separated = false;
  if (!checkIndent || row <= f.previousEndRow) return; // not the first thing on its line
  if (f.indent === -1) {
    f.indent = column;
    if (column <= f.headerIndent) issues.push(at(cursor, 'expected an indented block'));
  } else if (column > f.indent) {
    // Deeper than its siblings: right after a compound statement this is a dedent that stopped
    // between two levels, otherwise an indent out of nowhere.
    const dedent = before !== undefined && CONTAINERS.has(before);
    issues.push(
      at(cursor, dedent ? 'unindent does not match any outer indentation level' : 'unexpected indent'),
    );
  } else if (column < f.indent) {
    issues.push(at(cursor, 'unindent does not match any outer indentation level'));
  }
}

/**
 * Python-only errors in a tree-sitter tree of Python code, at most `max`.
 * One cursor walk over statement-level nodes (no node objects for the rest), with an explicit
 * stack so that deeply nested code cannot overflow the JavaScript call stack.
 *
 * @example
 * parseTree('python', 'def f():\n# nothing\n', (t) => pythonStrictIssues(t, 20));
 * // → [{ message: 'expected an indented block', line: 1, column: 9, offset: 8 }]
 */
export function pythonStrictIssues(tree: Tree, max: number): SyntaxIssue[] {
  const issues: SyntaxIssue[] = [];
  const checkIndent = !tree.rootNode.hasError;
  if (tree.rootNode.type !== 'module') return issues;
  return withCursor(tree, (cursor) => {
    const stack: Frame[] = [frame('module', 0, -1, -1)];
    if (!cursor.gotoFirstChild()) return issues;
    for (;;) {
      const f = stack[stack.length - 1]!;
      const type = cursor.nodeType;
      let enter = false;
      if (HANDLERS.has(type)) f.handled = true;
      if (f.statements && type === ';') f.separated = true;
      else if (f.statements && type !== 'comment' && type !== 'ERROR' && !cursor.nodeIsMissing) {
        checkStatement(cursor, f, checkIndent, issues);
      }
      if (CONTAINERS.has(type)) {
        if (type === 'block' && cursor.startIndex === cursor.endIndex) {
          issues.push(at(cursor, 'expected an indented block'));
        } else {
          enter = true;
        }
      }
      const endRow = cursor.endPosition.row;
      if (issues.length >= max) return issues;
      if (enter) {
        const headerIndent = type === 'block' ? f.startColumn : -1;
        const child = frame(type, cursor.startPosition.column, headerIndent, f.previousEndRow);
        f.previousEndRow = endRow;
        if (cursor.gotoFirstChild()) {
          stack.push(child);
          continue;
        }
      } else {
        f.previousEndRow = endRow;
      }
      // Next sibling, or up (closing frames) until there is one.
      while (!cursor.gotoNextSibling()) {
        const done = stack.pop()!;
        if (stack.length === 0) return issues; // the module's last child
        cursor.gotoParent();
        if (done.type === 'try_statement' && !done.handled) {
          issues.push(at(cursor, "expected 'except' or 'finally' block"));
          if (issues.length >= max) return issues;
        }
      }
    }
  });
}
