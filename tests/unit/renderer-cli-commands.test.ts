/** The CLI command shown behind each click: exact, copyable, and safe to paste into a shell. */
import { describe, expect, it } from 'vitest';
import {
  insecureRegistriesLines,
  loginCommand,
  logoutCommand,
  pullCommand,
  pushCommand,
  registryStartCommand,
  removeCommand,
  shellQuote,
  tagCommand,
} from '../../renderer/src/cli-commands';

describe('the command behind every click', () => {
  it('writes each action as the Docker CLI would take it', () => {
    expect(registryStartCommand(5000).command).toBe('docker run -d -p 5000:5000 --name registry registry:2');
    expect(registryStartCommand(5001).command).toBe('docker run -d -p 5001:5000 --name registry registry:2');
    expect(registryStartCommand(5000).explanation).toContain('Berth runs its own registry instead');
    expect(tagCommand('hello:1', 'localhost:5000/hello:1').command).toBe(
      'docker tag hello:1 localhost:5000/hello:1',
    );
    expect(pushCommand('localhost:5000/hello:1').command).toBe('docker push localhost:5000/hello:1');
    expect(pullCommand('localhost:5000/hello:1').command).toBe('docker pull localhost:5000/hello:1');
    expect(removeCommand('hello:1', false).command).toBe('docker rmi hello:1');
    expect(removeCommand('sha256:abc', true).command).toBe('docker rmi -f sha256:abc');
    expect(loginCommand('docker.io', 'ada').command).toBe('docker login -u ada');
    expect(loginCommand('ghcr.io', 'ada').command).toBe('docker login ghcr.io -u ada');
    expect(logoutCommand('docker.io').command).toBe('docker logout');
    expect(logoutCommand('ghcr.io').command).toBe('docker logout ghcr.io');
    expect(insecureRegistriesLines(['198.18.7.2:5000']).command).toBe(
      '"insecure-registries": ["198.18.7.2:5000"]',
    );
  });

  it('quotes what a shell would split or expand, and never shows a secret', () => {
    expect(shellQuote('localhost:5000/team/app:1.0')).toBe('localhost:5000/team/app:1.0');
    expect(shellQuote('ada lovelace')).toBe("'ada lovelace'");
    expect(shellQuote("o'brien$HOME")).toBe(`'o'\\''brien$HOME'`);
    expect(loginCommand('ghcr.io', 'a b').command).toBe("docker login ghcr.io -u 'a b'");
    expect(loginCommand('ghcr.io', 'ada').command).not.toMatch(/-p|--password /);
  });
});
