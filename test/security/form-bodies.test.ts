import { beforeAll, describe, expect, it } from 'vitest';
import { call, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';
beforeAll(() => seed(new Date(NOW)));

/** A multipart body whose boundary never appears: the runtime cannot parse it. */
const broken = { 'content-type': 'multipart/form-data; boundary=nothing-here', origin: 'http://localhost:8787' };

describe('form posts the runtime cannot parse', () => {
  it('are a 400 with the envelope, never a 500, on every form route', async () => {
    const cookie = `session=${await login('admin@example.com')}`;
    for (const path of ['/login', '/app/pages/new', '/app/pages/1', '/set-password/abcdefabcdefabcdefabcdef', '/app/team']) {
      const res = await call(path, { method: 'POST', rawBody: '--garbage\r\nnot a part', headers: { ...broken, cookie }, now: NOW });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});
