// The link checks of the packaged README (test/integ/consumer/packaged-readme.test.ts runs them on the
// README inside the npm tarball; readme-links.test.ts shows on fixtures that they catch a bad link).

/** Markdown link targets ([text](target) and [text]: target), outside code blocks and code spans. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$/gm)].map((m) => m[1]),
  ];
}

/** Relative link targets that name neither a file nor a folder of `files` (paths relative to the README). */
export function missingRelativeLinks(markdown: string, files: string[]): string[] {
  return linkTargets(markdown)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => decodeURI(t.split('#')[0]).replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((t) => t !== '' && !files.includes(t) && !files.some((f) => f.startsWith(`${t}/`)));
}

/**
 * Links into the repository at `base` (https://github.com/<owner>/<name>) whose `tree/main/<path>` or
 * `blob/main/<path>` names no file or folder of `tracked`; the repository's own page is fine.
 */
export function missingRepositoryLinks(markdown: string, base: string, tracked: string[]): string[] {
  const escaped = base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return linkTargets(markdown).filter((t) => t.startsWith(base)).filter((t) => {
    const m = new RegExp(`^${escaped}/(?:tree|blob)/main/([^#?]+)`).exec(t);
    if (!m) return !['', '/'].includes(t.slice(base.length).replace(/[#?].*$/, ''));
    const p = decodeURI(m[1]).replace(/\/$/, '');
    return !tracked.includes(p) && !tracked.some((f) => f.startsWith(`${p}/`));
  });
}
