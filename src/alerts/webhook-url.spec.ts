import { checkWebhookUrl, isPublicAddress, publicOnlyLookup } from './webhook-url.js';

const publicOnly = { allowPrivateDestinations: false };
const privateAllowed = { allowPrivateDestinations: true };

describe('checkWebhookUrl', () => {
  it('takes https URLs to public hosts; http and private hosts only when private destinations are allowed', () => {
    expect(checkWebhookUrl(' https://hooks.example.org/windward ', publicOnly)).toBe('https://hooks.example.org/windward');
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', privateAllowed)).toBe('http://127.0.0.1:8080/hook');
    expect(checkWebhookUrl('http://localhost/hook', privateAllowed)).toBe('http://localhost/hook');
  });

  it.each([
    ['plain http', 'http://hooks.example.org/x'],
    ['http to localhost', 'http://localhost/x'],
    ['credentials in the URL', 'https://user:pass@hooks.example.org/x'],
    ['a user name alone', 'https://token@hooks.example.org/x'],
    ['another scheme', 'ftp://hooks.example.org/x'],
    ['not a URL', 'hooks.example.org'],
    ['too long', `https://hooks.example.org/${'a'.repeat(2000)}`],
    ['a private address', 'https://10.1.2.3/x'],
    ['loopback IPv6', 'https://[::1]/x'],
    ['localhost by name', 'https://localhost/x'],
    ['a name under localhost', 'https://a.localhost/x'],
    ['a single-label name', 'https://intranet/x'],
    ['127.1', 'https://127.1/x'],
    ['a decimal loopback', 'https://2130706433/x'],
    ['a hex loopback', 'https://0x7f000001/x'],
    ['an octal loopback', 'https://0177.0.0.1/x'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['the metadata address in decimal', 'https://2852039166/x'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/x'],
    ['IPv4-mapped IPv6 metadata, hex', 'https://[::ffff:a9fe:a9fe]/x'],
    ['IPv4-compatible IPv6', 'https://[::127.0.0.1]/x'],
    ['NAT64 of a private address', 'https://[64:ff9b::10.0.0.1]/x'],
    ['local-use NAT64 of the metadata address', 'https://[64:ff9b:1::169.254.169.254]/x'],
    ['6to4 of loopback', 'https://[2002:7f00:1::]/x'],
    ['unique-local IPv6 (AWS metadata)', 'https://[fd00:ec2::254]/x'],
    ['the unspecified address', 'https://0.0.0.0/x'],
  ])('refuses %s', (_what, url) => {
    expect(() => checkWebhookUrl(url, publicOnly)).toThrow(/webhookUrl/);
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true], ['2606:4700::1111', true], ['127.0.0.1', false], ['10.0.0.1', false], ['172.20.1.1', false],
    ['192.168.1.1', false], ['169.254.169.254', false], ['::1', false], ['fd00::1', false], ['::ffff:127.0.0.1', false], ['nope', false],
    ['::ffff:7f00:1', false], ['::ffff:808:808', true], ['::7f00:1', false], ['64:ff9b::a00:1', false], ['2002:a00:1::1', false],
    ['2002:808:808::1', true], ['100.100.100.200', false], ['fe80::1%eth0', false], ['::', false],
    ['64:ff9b:1::a00:1', false], ['64:ff9b:1:2::808:808', false], ['2001:2::1', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('publicOnlyLookup', () => {
  const lookup = (hostname: string) =>
    new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup(hostname, { all: true }, (error) => resolve(error)));

  it('refuses a name on a non-public address and a name that does not resolve in the same words, which the alert owner reads', async () => {
    const [internal, unknown] = await Promise.all([lookup('localhost'), lookup('no-such-host.invalid')]);
    expect({ message: internal?.message, code: internal?.code }).toEqual({ message: 'localhost does not resolve to a public address', code: 'EADDRNOTPUBLIC' });
    expect({ message: unknown?.message, code: unknown?.code }).toEqual({ message: 'no-such-host.invalid does not resolve to a public address', code: 'EADDRNOTPUBLIC' });
  });
});
