import { hashApiKey, loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { planListen } from './listen-host.ts';

describe('planListen', () => {
  it('binds to loopback in open mode and says so', () => {
    const plan = planListen(loadConfig());
    expect(plan.host).toBe('127.0.0.1');
    expect(plan.openModeNotice).toMatch(/open mode: no API keys .* listening on 127\.0\.0\.1 only/);
  });

  it('refuses every interface without keys unless allowOpenNetwork is set', () => {
    const config = loadConfig();
    config.api.host = '0.0.0.0';
    expect(() => planListen(config)).toThrow(/api\.host: "0\.0\.0\.0" with no auth\.keys .* auth\.allowOpenNetwork/);
    config.auth.allowOpenNetwork = true;
    expect(planListen(config)).toMatchObject({ host: '0.0.0.0', openModeNotice: expect.stringMatching(/anyone/) });
  });

  it('binds to every interface by default once keys are configured, without a notice', () => {
    const config = loadConfig();
    config.auth.keys = [{ id: 'team-a', hash: hashApiKey('secret'), role: 'client' }];
    expect(planListen(config)).toEqual({ host: '0.0.0.0', openModeNotice: undefined });
  });
});
