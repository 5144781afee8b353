import { describe, expect, it } from 'vitest';
import { urlProblem, webhookUrl } from '../../src/webhooks/url-rules';
import { createWebhookBody } from '../../src/services/webhooks';

describe('endpoint URL rules (SPEC 12)', () => {
  it('production: https to a public host only', () => {
    for (const url of ['https://hooks.example.com/in', 'https://8.8.8.8/x', 'https://[2606:4700::1111]/x', 'https://172.32.0.1/', 'https://100.128.0.1/', 'https://hooks.example.com:8443/a?b=1', 'https://[2002:808:808::1]/'])
      expect(urlProblem(url, 'production'), url).toBeNull();
  });

  const refused: Record<string, string[]> = {
    'not https': ['http://hooks.example.com/in', 'ftp://hooks.example.com/', 'ws://hooks.example.com/', 'http://localhost/h', 'http://127.0.0.1/h'],
    private: ['https://10.0.0.5/', 'https://10.255.255.255/', 'https://172.16.0.1/', 'https://172.31.255.255/', 'https://192.168.0.10/', 'https://100.64.0.1/', 'https://100.127.255.254/'],
    loopback: ['https://127.0.0.1/', 'https://127.8.9.10/', 'https://localhost/', 'https://api.localhost/', 'https://[::1]/'],
    'link-local': ['https://169.254.10.20/', 'https://[fe80::1]/', 'https://[febf::1]/'],
    metadata: ['https://169.254.169.254/latest/meta-data', 'https://metadata.google.internal/computeMetadata/v1/', 'https://metadata.google.internal./x'],
    unspecified: ['https://0.0.0.0/', 'https://0.1.2.3/', 'https://[::]/'],
    'unique local IPv6': ['https://[fc00::1]/', 'https://[fd12:3456::1]/'],
    'IPv4-mapped IPv6': ['https://[::ffff:127.0.0.1]/', 'https://[::ffff:10.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[::127.0.0.1]/', 'https://[0:0:0:0:0:ffff:c0a8:1]/'],
    // Hostnames the URL parser turns into IP literals.
    'IP literal spellings': ['https://0x7f.1/', 'https://2130706433/', 'https://127.1/', 'https://0177.0.0.1/', 'https://0xa9.0xfe.0xa9.0xfe/', 'https://3232235777/', 'https://0/'],
    multicast: ['https://224.0.0.1/', 'https://255.255.255.255/', 'https://[ff02::1]/'],
    // v4 addresses inside other IPv6 forms, site-local, and the documentation ranges.
    'wrapped and reserved': ['https://[2002:7f00:1::]/', 'https://[2002:a9fe:a9fe::1]/', 'https://[::ffff:0:127.0.0.1]/', 'https://[fec0::1]/', 'https://[64:ff9b:1::a00:1]/', 'https://192.0.2.10/', 'https://198.51.100.7/', 'https://203.0.113.9/'],
    credentials: ['https://user:secret@hooks.example.com/'],
    'not a URL': ['hooks.example.com', '', 'https://'],
  };
  for (const [kind, urls] of Object.entries(refused)) {
    it(`production refuses ${kind}`, () => {
      for (const url of urls) expect(urlProblem(url, 'production'), url).not.toBeNull();
    });
  }

  it('development: plain http to localhost and 127.0.0.1 as well, nothing else plain', () => {
    for (const env of ['development', 'test'] as const) {
      expect(urlProblem('http://localhost:8787/h', env)).toBeNull();
      expect(urlProblem('http://127.0.0.1:9000/h', env)).toBeNull();
      expect(urlProblem('https://10.0.0.5/', env)).toBeNull();
      expect(urlProblem('http://10.0.0.5/', env)).not.toBeNull();
      expect(urlProblem('http://example.com/', env)).not.toBeNull();
      expect(urlProblem('http://[::1]/', env)).not.toBeNull();
    }
  });

  it('POST and PATCH share the rule, with the issue on the url field', () => {
    const result = createWebhookBody('production').safeParse({ url: 'https://169.254.169.254/', events: ['booking.created'] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['url']);
    expect(webhookUrl('production').parse('https://Hooks.Example.com/in')).toBe('https://hooks.example.com/in');
  });
});
