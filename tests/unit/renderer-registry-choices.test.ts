/** The Tag dialog's registry picker: local registry both ways, Docker Hub with the logged-in user, saved registries, free text. */
import { describe, expect, it } from 'vitest';
import {
  choiceForHost,
  OTHER_REGISTRY,
  registryChoices,
} from '../../renderer/src/components/dialogs/registry-choices';

describe('registryChoices', () => {
  it('offers the local registry by one name, localhost:<port>, then Docker Hub, saved registries and free text', () => {
    const choices = registryChoices({
      localPort: 5123,
      localRunning: true,
      saved: [
        { host: 'registry.example.com:5000', name: 'Work' },
        { host: 'index.docker.io', name: 'Hub again' },
      ],
      logins: {},
    });
    expect(choices.map((choice) => [choice.value, choice.host])).toEqual([
      ['local', 'localhost:5123'],
      ['docker.io', 'docker.io'],
      ['saved:registry.example.com:5000', 'registry.example.com:5000'],
      [OTHER_REGISTRY, ''],
    ]);
    expect(choices[0]!.label).toBe('Local registry (localhost:5123)');
    expect(choices[2]!.label).toBe('Work (registry.example.com:5000)');
  });

  it('suggests the logged-in Docker Hub user as namespace, and says when the local registry is stopped', () => {
    const choices = registryChoices({
      localPort: 5000,
      localRunning: false,
      saved: [],
      logins: { 'docker.io': 'ada' },
    });
    const hub = choices.find((choice) => choice.value === 'docker.io')!;
    expect(hub.namespace).toBe('ada');
    expect(hub.label).toBe('Docker Hub (ada)');
    expect(choices[0]!.explanation).toContain('It is not running now');
  });

  it('maps a host back to its picker value (Hub spellings included), else free text', () => {
    const choices = registryChoices({
      localPort: 5000,
      localRunning: true,
      saved: [{ host: 'reg.lan:443', name: 'reg.lan:443' }],
      logins: {},
    });
    expect(choiceForHost(choices, 'localhost:5000')).toBe('local');
    // An image still named 127.0.0.1:5000/… is for the same registry: the dialog renames it localhost.
    expect(choiceForHost(choices, '127.0.0.1:5000')).toBe('local');
    expect(choiceForHost(choices, 'index.docker.io')).toBe('docker.io');
    expect(choiceForHost(choices, 'REG.lan:443')).toBe('saved:reg.lan:443');
    expect(choiceForHost(choices, 'elsewhere.io')).toBe(OTHER_REGISTRY);
  });
});
