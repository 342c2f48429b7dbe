import { describe, expect, it } from 'vitest';
import { SCENARIO_LIMITS, parseScenario, type Scenario } from './scenario';
import {
  decodeScenarioFromLink,
  encodeScenarioForLink,
  scenarioCodeIn,
  scenarioFromJson,
  scenarioToJson,
} from './scenario-codec';

const scenario: Scenario = {
  format: 'streamlab.scenario',
  version: 1,
  options: { seed: 42, brokers: 3, brokerConfig: { 'min.insync.replicas': 2 } },
  commands: [
    {
      atMs: 3000,
      processed: 400,
      command: { type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 },
    },
    { atMs: 3500, processed: 480, command: { type: 'broker.crash', broker: 2 } },
  ],
  atMs: 4000,
  actions: 530,
  endMs: 9000,
};

describe('scenarios in links and files', () => {
  it('round-trips through a link, compressed', async () => {
    const code = await encodeScenarioForLink(scenario);
    expect(code.startsWith('z1.')).toBe(true);
    expect(code).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(await decodeScenarioFromLink(code)).toEqual({ ok: true, scenario });
  });

  it('compresses a busy command log well', async () => {
    const busy = {
      ...scenario,
      commands: Array.from({ length: 2000 }, (_, i) => ({
        atMs: 3000 + i,
        processed: 400 + i * 3,
        command: {
          type: 'producer.send',
          producer: 'p1',
          topic: 'orders',
          key: `k${i % 9}`,
          value: `order-${i}`,
        },
      })),
    };
    const code = await encodeScenarioForLink(busy);
    expect(code.length).toBeLessThan(JSON.stringify(busy).length / 4);
    expect(await decodeScenarioFromLink(code)).toEqual({ ok: true, scenario: busy });
  });

  it('reads an uncompressed link too', async () => {
    const plain = 'j1.' + Buffer.from(JSON.stringify(scenario)).toString('base64url');
    expect(await decodeScenarioFromLink(plain)).toEqual({ ok: true, scenario });
  });

  it('round-trips through a file', () => {
    expect(scenarioFromJson(scenarioToJson(scenario))).toEqual({ ok: true, scenario });
  });

  it('finds the code in the hash or the query', () => {
    expect(scenarioCodeIn({ search: '', hash: '#scenario=z1.abc' })).toBe('z1.abc');
    expect(scenarioCodeIn({ search: '?scenario=j1.xyz', hash: '' })).toBe('j1.xyz');
    expect(scenarioCodeIn({ search: '?seed=1', hash: '' })).toBeUndefined();
  });
});

describe('refusing bad input, with a clear message', () => {
  const bad = async (code: string) => {
    const result = await decodeScenarioFromLink(code);
    if (result.ok) throw new Error('accepted');
    return result.message;
  };
  const encoded = (data: unknown) => 'j1.' + Buffer.from(JSON.stringify(data)).toString('base64url');

  it('says what is wrong with a damaged link', async () => {
    expect(await bad('hello')).toMatch(/not in a format StreamLab knows/);
    expect(await bad('z1.$$$')).toMatch(/damaged \(it is not valid base64url\)/);
    expect(await bad('z1.AAAA')).toMatch(/damaged \(it could not be decompressed\)/);
    expect(await bad('j1.' + Buffer.from('{"format":').toString('base64url'))).toMatch(/not valid JSON/);
    expect(await bad('j1.' + Buffer.from([0xff, 0xfe]).toString('base64url'))).toMatch(/not text/);
  });

  it('names the field that is wrong', async () => {
    expect(await bad(encoded({ ...scenario, format: 'other' }))).toMatch(
      /format: must be "streamlab.scenario"/,
    );
    expect(await bad(encoded({ ...scenario, options: { seed: 1, brokers: 40 } }))).toMatch(
      /options.brokers: must be 1 to 9/,
    );
    expect(
      await bad(encoded({ ...scenario, commands: [{ atMs: 'soon', processed: 0, command: { type: 'x' } }] })),
    ).toMatch(/commands.0.atMs/);
    expect(await bad(encoded({ ...scenario, extra: '<img src=x onerror=alert(1)>' }))).toMatch(/extra/);
    expect(await bad(encoded([scenario]))).toMatch(/not a StreamLab scenario/);
  });

  it('refuses commands out of order, and times past the end', async () => {
    const swapped = { ...scenario, commands: [...scenario.commands].reverse() };
    expect(await bad(encoded(swapped))).toMatch(/in the order they happened/);
    expect(await bad(encoded({ ...scenario, atMs: 10_000 }))).toMatch(/atMs must not be past endMs/);
  });

  it('refuses anything too large: too long a link, too many commands, too much virtual time, a deflate bomb', async () => {
    expect(await bad('z1.' + 'A'.repeat(SCENARIO_LIMITS.linkChars))).toMatch(/too long/);
    const many = { ...scenario, commands: Array(SCENARIO_LIMITS.commands + 1).fill(scenario.commands[1]) };
    expect(scenarioFromJson(JSON.stringify(many))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at most 5000 commands/),
    });
    expect(await bad(encoded({ ...scenario, endMs: 10 * 3_600_000 }))).toMatch(/endMs: must be at most/);
    // 50 MB of spaces compress to ~50 kB: decompression must stop long before the end.
    const spaces = new Blob([new Uint8Array(50_000_000).fill(32)])
      .stream()
      .pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(spaces).arrayBuffer());
    expect(await bad('z1.' + Buffer.from(bytes).toString('base64url'))).toMatch(/too large/);
  });

  it('parses plain data only: the schema keeps the shape, and nothing in it is ever run', () => {
    const withProto = JSON.parse(
      JSON.stringify(scenario).replace('"seed":42', '"seed":42,"__proto__":{"polluted":true}'),
    );
    expect(parseScenario(withProto).ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
