import { checkWebhookUrl, isPublicAddress } from './webhook-url.js';

describe('checkWebhookUrl', () => {
  it('takes https URLs, and http://localhost outside production', () => {
    expect(checkWebhookUrl(' https://hooks.example.org/windward ', true)).toBe('https://hooks.example.org/windward');
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', false)).toBe('http://127.0.0.1:8080/hook');
    expect(checkWebhookUrl('http://localhost/hook', false)).toBe('http://localhost/hook');
  });

  it.each([
    ['plain http', 'http://hooks.example.org/x', false],
    ['http to localhost in production', 'http://localhost/x', true],
    ['credentials in the URL', 'https://user:pass@hooks.example.org/x', false],
    ['a user name alone', 'https://token@hooks.example.org/x', false],
    ['another scheme', 'ftp://hooks.example.org/x', false],
    ['not a URL', 'hooks.example.org', false],
    ['too long', `https://hooks.example.org/${'a'.repeat(2000)}`, false],
    ['a private address in production', 'https://10.1.2.3/x', true],
    ['loopback IPv6 in production', 'https://[::1]/x', true],
  ])('refuses %s', (_what, url, production) => {
    expect(() => checkWebhookUrl(url as string, production as boolean)).toThrow(/webhookUrl/);
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true], ['2606:4700::1111', true], ['127.0.0.1', false], ['10.0.0.1', false], ['172.20.1.1', false],
    ['192.168.1.1', false], ['169.254.169.254', false], ['::1', false], ['fd00::1', false], ['::ffff:127.0.0.1', false], ['nope', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
