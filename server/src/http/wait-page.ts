/**
 * The page a client address gets after too many wrong passcodes (HTTP 429): plain HTML that says how long to wait,
 * in the language of the page the learner was joining from, with the way back to the join page.
 */
import type { JoinLang } from '#protocol/join.ts';

const TEXT = {
  'zh-CN': {
    title: '请稍等',
    body: (seconds: number) => `这台设备输错口令的次数太多了。请等 ${seconds} 秒，再向老师确认口令后重试。`,
    back: '回到加入页面',
  },
  en: {
    title: 'Please wait',
    body: (seconds: number) =>
      `Too many wrong passcodes from this device. Wait ${seconds} seconds, check the passcode with your instructor, then try again.`,
    back: 'Back to the join page',
  },
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function tooManyAttemptsPage(lang: JoinLang, seconds: number, joinHref: string): string {
  const text = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text.title} · Socket Lab</title>
<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1.25rem}</style>
</head>
<body>
<h1>${text.title}</h1>
<p role="alert">${escapeHtml(text.body(seconds))}</p>
<p><a href="${escapeHtml(joinHref)}">${text.back}</a></p>
</body>
</html>
`;
}
