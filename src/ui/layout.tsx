import type { Child } from 'hono/jsx';
import { assetUrl, type ScriptPath, type StylePath } from './assets';

/**
 * `lang`: the page's language (booker pages speak five; the rest is English).
 * `styles`: the area sheets the page uses, linked after /styles.css in this order (src/ui/assets.ts).
 */
export function Layout(props: { title: string; children: Child; styles?: StylePath[]; scripts?: ScriptPath[]; bodyClass?: string; lang?: string }) {
  return (
    <html lang={props.lang ?? 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {['/styles.css' as const, ...(props.styles ?? [])].map((href) => (
          <link rel="stylesheet" href={assetUrl(href)} />
        ))}
        {(props.scripts ?? []).map((src) => (
          <script src={assetUrl(src)} defer />
        ))}
      </head>
      <body class={props.bodyClass}>{props.children}</body>
    </html>
  );
}
