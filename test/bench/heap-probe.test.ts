import { afterEach, describe, expect, it } from 'vitest';
import { startNode, type RoleProcess } from '../support/processes.ts';
import { connectHeapProbe, heapProbeFlag, type HeapProbe } from './heap-probe.ts';

// Half a million small objects made and dropped at once: garbage nothing collects while the process idles.
const script = `
let garbage = Array.from({ length: 500_000 }, (_, index) => ({ index, text: 'item ' + index }));
garbage = undefined;
setInterval(() => {}, 1_000);
process.stdout.write('ready\\n');
`;

describe('connectHeapProbe', () => {
  let role: RoleProcess | undefined;
  let probe: HeapProbe | undefined;
  afterEach(async () => {
    probe?.close();
    await role?.stop();
  });

  it('collects a child’s garbage and reads its live heap after', async () => {
    role = startNode('garbage-maker', [heapProbeFlag, '--input-type=module', '-e', script], {});
    await role.waitForLine(/ready/);
    probe = await connectHeapProbe(role);
    const before = await probe.heap();
    await probe.collectGarbage();
    const after = await probe.heap();
    expect(before.usedBytes - after.usedBytes).toBeGreaterThan(10 * 1_048_576);
    expect(after.usedBytes).toBeLessThanOrEqual(after.totalBytes);
  });

  it('says so when the child runs without the inspector', async () => {
    role = startNode('no-inspector', ['-e', "setInterval(() => {}, 1_000); process.stdout.write('ready\\n')"], {});
    await role.waitForLine(/ready/);
    await expect(connectHeapProbe(role, 500)).rejects.toThrow(/printed no inspector address within 500 ms/);
  });
});
