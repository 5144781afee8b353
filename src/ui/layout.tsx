import type { Child } from 'hono/jsx';

export function Layout(props: { title: string; children: Child; scripts?: string[]; bodyClass?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/styles.css" />
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body class={props.bodyClass}>{props.children}</body>
    </html>
  );
}
