/**
 * CSS and scripts are linked with a content version (`?v=` + their ETag), so browsers keep
 * them for a year without asking again (public/_headers) and a deploy that changes one still
 * reaches everyone at once. The versions are read once per isolate from the assets binding;
 * without it (or if that read fails) pages link the plain paths.
 *
 * Stylesheets are split by area so a page loads only its own rules (the 30 KB page budget):
 * /styles.css on every page, /app.css on every /app page, then the area's sheet(s).
 */
const STYLE_PATHS = ['/styles.css', '/app.css', '/pages.css', '/editor.css', '/availability.css', '/team.css', '/bookings.css', '/booker.css', '/workflows.css', '/webhooks.css'] as const;
const SCRIPT_PATHS = ['/book.js', '/bookings.js', '/pages.js', '/availability.js', '/team.js', '/workflows.js', '/webhooks.js'] as const;
const ASSET_PATHS = [...STYLE_PATHS, ...SCRIPT_PATHS];
export type StylePath = (typeof STYLE_PATHS)[number];
export type ScriptPath = (typeof SCRIPT_PATHS)[number];
export type AssetPath = StylePath | ScriptPath;

const versions = new Map<AssetPath, string>();
let loaded = false;

export async function loadAssetVersions(assets: Fetcher | undefined): Promise<void> {
  if (loaded || !assets) return;
  // Each first request reads them itself: a promise shared across requests is not safe here.
  await Promise.all(
    ASSET_PATHS.map(async (path) => {
      try {
        const res = await assets.fetch(new Request(`https://assets.local${path}`, { method: 'HEAD' }));
        const version = res.headers.get('etag')?.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
        if (res.ok && version) versions.set(path, version);
      } catch (error) {
        console.error('asset version', path, error);
      }
    }),
  );
  loaded = true;
}

export const assetUrl = (path: AssetPath) => {
  const version = versions.get(path);
  return version ? `${path}?v=${version}` : path;
};
