/**
 * The provider keys of a chorus server never reach its clients: not in answers, not in the
 * consensus details, not in errors (issue 9's canary test, for `serve`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validateConfig.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { LLMOrchestrator } from '../../src/orchestrator.js';
import { type ChorusServer, createChorusServer } from '../../src/server/createChorusServer.js';

const CANARY = 'sk-canary-7f3a9c1e5b2d48e6a0c4';
let emulator: Emulator;
const servers: ChorusServer[] = [];

beforeAll(async () => {
  emulator = await startEmulator(
    { seed: 2, models: { '*': { text: 'The answer is 12.', ttft: 2, interToken: 1 } } },
    { apiKey: CANARY },
  );
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await emulator?.close();
});

async function serverWithKey(key: string): Promise<string> {
  const config = validateConfig({
    orchestration: { consensus: { min_responses: 2, task: 'math' } },
    providers: {
      a: { kind: 'openai', model: 'm1', base_url: emulator.baseURLs.openai, api_key_env: 'CHORUS_TEST_KEY' },
      b: {
        kind: 'anthropic',
        model: 'm2',
        base_url: emulator.baseURLs.anthropic,
        api_key_env: 'CHORUS_TEST_KEY',
      },
      c: { kind: 'openai', model: 'm3', base_url: emulator.baseURLs.openai, api_key_env: 'CHORUS_TEST_KEY' },
    },
  });
  const chorus = new LLMOrchestrator(config, { env: { CHORUS_TEST_KEY: key }, cache: false });
  const server = createChorusServer({ orchestrator: chorus, port: 0 });
  servers.push(server);
  return server.listen();
}

const ask = (url: string, stream: boolean) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'chorus',
      stream,
      messages: [{ role: 'user', content: 'What is 3 * 4?' }],
    }),
  });

describe('provider keys stay in the server', () => {
  it('a decided answer, streamed or not, carries no key', async () => {
    const url = await serverWithKey(CANARY);
    for (const stream of [false, true]) {
      const response = await ask(url, stream);
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body).toContain('The answer is 12.');
      expect(body).not.toContain(CANARY);
      expect(body).not.toContain(CANARY.slice(3, 20));
    }
  });

  it('an upstream authentication failure reports no key, neither ours nor the expected one', async () => {
    const wrong = 'sk-wrong-canary-0b9d8e7f6a5c4321';
    const url = await serverWithKey(wrong);
    const response = await ask(url, false);
    const body = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'no_answer', type: 'server_error' } });
    for (const secret of [CANARY, wrong, wrong.slice(3, 20)]) expect(body).not.toContain(secret);
  });
});
