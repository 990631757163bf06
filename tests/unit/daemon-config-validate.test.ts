/** Which insecure-registries entries and mirror URLs Docker accepts, and the exact words when it won't. */
import { describe, expect, it } from 'vitest';
import { adviseHost } from '../../electron/daemon-config/teach';
import { checkInsecureRegistry, checkMirror } from '../../electron/daemon-config/validate';

describe('checkInsecureRegistry', () => {
  it.each([
    ['registry.lan', 'host'],
    ['registry.lan:5000', 'host'],
    ['my-registry', 'host'],
    ['192.168.1.20:5000', 'host'],
    ['10.0.0.1', 'host'],
    ['[fd00::1]:5000', 'host'],
    ['[::1]', 'host'],
    ['localhost:65535', 'host'],
    ['10.0.0.0/8', 'cidr'],
    ['192.168.1.0/24', 'cidr'],
    ['fd00::/8', 'cidr'],
  ])('accepts %s as a %s', (entry, kind) => {
    expect(checkInsecureRegistry(entry)).toEqual({ ok: true, value: entry, kind });
  });

  it.each([
    ['', 'The entry is empty.'],
    [' registry.lan:5000', '" registry.lan:5000" contains spaces; write just host:port.'],
    ['http://192.168.1.20:5000', 'Leave out "http://": Docker wants 192.168.1.20:5000, without a scheme.'],
    ['https://registry.lan/', 'Leave out "https://": Docker wants registry.lan, without a scheme.'],
    [
      'registry.lan:5000/path',
      '"registry.lan:5000/path" has a path; write host:port, or a CIDR like 10.0.0.0/8.',
    ],
    ['registry.lan:port', 'The port "port" is not a number.'],
    ['registry.lan:0', 'The port 0 is out of range; ports go from 1 to 65535.'],
    ['registry.lan:70000', 'The port 70000 is out of range; ports go from 1 to 65535.'],
    [':5000', '":5000" has no host name before the port.'],
    ['reg_istry.lan', '"reg_istry.lan" contains "_"; host names use letters, digits, dots and hyphens only.'],
    ['-registry.lan', '"-registry" starts or ends with a hyphen, which host names don\'t allow.'],
    ['registry..lan', '"registry..lan" has an empty part between dots.'],
    [
      '*.lan',
      'Docker does not understand wildcards like "*.lan"; list each host, or use a CIDR such as 192.168.1.0/24.',
    ],
    ['256.1.1.1:5000', '256 is not a valid part of an IPv4 address (each goes from 0 to 255).'],
    ['10.0.0:5000', '"10.0.0" is not a complete IPv4 address (it needs four numbers, like 192.168.1.20).'],
    ['10.0.0.0/33', 'An IPv4 prefix is at most /32, not /33.'],
    // Go's parsers (dockerd) refuse leading zeros: such an entry stops dockerd from starting.
    [
      '192.168.001.0/24',
      '"192.168.001.0" has a number with a leading zero (001); Docker refuses that: write 1. (in the CIDR "192.168.001.0/24")',
    ],
    ['10.01.0.1:5000', '"10.01.0.1" has a number with a leading zero (01); Docker refuses that: write 1.'],
    ['fd00::1', 'Put IPv6 addresses in brackets: [fd00::1] or [fd00::1]:5000.'],
    ['[fd00::zz]:5000', '"fd00::zz" is not a valid IPv6 address.'],
    ['a:b:c', '"a:b:c" has more than one ":"; write host:port.'],
  ])('refuses %j: %s', (entry, reason) => {
    expect(checkInsecureRegistry(entry)).toEqual({ ok: false, reason });
  });
});

describe('checkMirror', () => {
  it.each(['https://mirror.gcr.io', 'http://10.0.0.5:5000', 'https://mirror.example.com/'])(
    'accepts %s',
    (url) => {
      expect(checkMirror(url)).toEqual({ ok: true, value: url });
    },
  );
  it.each([
    ['mirror.example.com', '"mirror.example.com" is not a URL; write it like https://mirror.example.com.'],
    ['ftp://mirror.example.com', 'A mirror must start with https:// or http://, not ftp://.'],
    [
      'https://user:secret@mirror.example.com',
      'Docker does not accept a user name or password in a mirror URL; use `docker login` for the mirror instead.',
    ],
    [
      'https://mirror.example.com/v2/',
      'Docker refuses a path, query or #fragment in a mirror URL; use https://mirror.example.com.',
    ],
    [
      'https://mirror.example.com?x=1',
      'Docker refuses a path, query or #fragment in a mirror URL; use https://mirror.example.com.',
    ],
  ])('refuses %s', (url, reason) => {
    expect(checkMirror(url)).toEqual({ ok: false, reason });
  });
});

describe('adviseHost teaches what needs an entry', () => {
  it.each(['localhost:5000', '127.0.0.1:5000', '127.8.9.10', 'LOCALHOST'])(
    '%s is loopback: no entry needed',
    (host) => {
      const advice = adviseHost(host, '/etc/docker/certs.d');
      expect(advice).toMatchObject({ kind: 'loopback', needsEntry: false });
      expect(advice.message).toContain('no insecure-registries entry is needed');
    },
  );
  it('IPv6 ::1 is loopback, but Docker only trusts 127.0.0.0/8 by default', () => {
    expect(adviseHost('[::1]:5000')).toMatchObject({ kind: 'loopback', needsEntry: true });
  });
  it('a machine on the network needs the entry, and TLS is offered as the safer way', () => {
    const advice = adviseHost('192.168.1.20:5000', '/etc/docker/certs.d');
    expect(advice).toMatchObject({ kind: 'network', needsEntry: true, certsDir: '/etc/docker/certs.d' });
    expect(advice.message).toContain('/etc/docker/certs.d/192.168.1.20:5000/ca.crt');
  });
  it('a CIDR warns that every host in it goes unencrypted', () => {
    expect(adviseHost('10.0.0.0/8').message).toContain('every registry in 10.0.0.0/8');
  });
});
