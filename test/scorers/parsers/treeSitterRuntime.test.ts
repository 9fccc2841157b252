import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser } from 'web-tree-sitter';
import { checkSyntax, prepareParsers } from '../../../src/scorers/parsers/checkSyntax.js';
import {
  parseTree,
  treeSitterGrammarPath,
  treeSitterStats,
} from '../../../src/scorers/parsers/treeSitterRuntime.js';

describe('tree-sitter runtime', () => {
  beforeAll(async () => {
    await prepareParsers(['python', 'rust', 'cpp', 'bash']);
  });

  it('resolves grammars inside node_modules (no download)', () => {
    expect(treeSitterGrammarPath('python')).toMatch(
      /node_modules[\\/]@vscode[\\/]tree-sitter-wasm[\\/]wasm[\\/]/,
    );
  });

  it('deletes every tree and cursor it makes, also on errors and when the callback throws', () => {
    const before = treeSitterStats();
    const broken = 'def f(:\n  return [1,\n'.repeat(20);
    for (let i = 0; i < 400; i++) {
      checkSyntax(['python', 'rust', 'cpp', 'bash'][i % 4]!, i % 2 === 0 ? broken : 'x = 1\n');
      const live = treeSitterStats();
      expect(live.liveTrees).toBe(0);
      expect(live.liveCursors).toBe(0);
    }
    expect(() =>
      parseTree('python', 'x = 1', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const after = treeSitterStats();
    expect(after.liveTrees).toBe(0);
    expect(after.treesParsed - before.treesParsed).toBe(401);
    expect(after.parsers).toBe(before.parsers); // one parser per grammar, reused (C and C++ share one)
  });

  it('keeps wasm memory flat over many parses (and the measure does see leaks)', async () => {
    // wasm memory only grows, and Node counts it in `external`: leaked trees grow it.
    const code = 'def f(x):\n    return [i * x for i in range(10)]\n'.repeat(100);
    const external = () => process.memoryUsage().external;
    for (let i = 0; i < 20; i++) checkSyntax('python', code); // warm up to the working-set size
    const before = external();
    for (let i = 0; i < 200; i++) checkSyntax('python', code);
    const clean = external() - before;
    // Calibration: the same parses without delete() (trees deleted only after measuring).
    const parser = new Parser();
    parser.setLanguage(await Language.load(treeSitterGrammarPath('python')));
    const leakBefore = external();
    const trees = Array.from({ length: 200 }, () => parser.parse(code));
    const leaked = external() - leakBefore;
    for (const tree of trees) tree?.delete();
    parser.delete();
    expect(leaked).toBeGreaterThan(8 * 1024 * 1024);
    expect(clean).toBeLessThan(8 * 1024 * 1024);
  });
});
