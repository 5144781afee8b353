import type { Child } from 'hono/jsx';
import { assetUrl, type AssetPath } from './assets';

/** `lang`: the page's language (booker pages speak five; the rest is English). */
export function Layout(props: { title: string; children: Child; scripts?: AssetPath[]; bodyClass?: string; lang?: string }) {
  return (
    <html lang={props.lang ?? 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={assetUrl('/styles.css')} />
        {(props.scripts ?? []).map((src) => (
          <script src={assetUrl(src)} defer />
        ))}
      </head>
      <body class={props.bodyClass}>{props.children}</body>
    </html>
  );
}
