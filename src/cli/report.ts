import { styleText } from 'node:util';
import { domainToUnicode } from 'node:url';
import { SIGNER_METHOD_TEXT } from '../engine/signer';
import type { Assessment, CertificateEntry, Finding, Severity, Status } from '../engine/types';

type Style = Parameters<typeof styleText>[0];

export interface ReportOptions {
  color: boolean;
}

/** Control characters (ANSI escapes in a hostile certificate subject) never reach the terminal. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

const STATUS_STYLE: Record<Status, Style> = {
  ok: 'green',
  warning: 'yellow',
  critical: 'red',
  unknown: 'magenta',
};
const SEVERITY_MARK: Record<Severity, [string, Style]> = {
  critical: ['✖ CRITICAL', 'red'],
  warning: ['▲ WARNING ', 'yellow'],
  info: ['• info    ', 'cyan'],
};

function paint(options: ReportOptions, style: Style, text: string): string {
  return options.color ? styleText(style, text) : text;
}

function finding(f: Finding, o: ReportOptions): string[] {
  const [mark, style] = SEVERITY_MARK[f.severity];
  const lines = [
    `  ${paint(o, style, mark)} ${paint(o, 'bold', f.code)}  ${terminalSafe(f.message)}`,
  ];
  if (f.remedy) {
    lines.push('      Remedy:');
    for (const line of f.remedy.split('\n')) lines.push(`        ${terminalSafe(line)}`);
  }
  if (f.runbook) lines.push(`      Runbook: ${f.runbook}`);
  return lines;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map(
    (r) =>
      `  ${r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
  );
}

function certificateTable(certs: CertificateEntry[]): string[] {
  const clip = (s: string) => (s.length > 48 ? `${s.slice(0, 47)}…` : s);
  return table([
    ['SOURCE', 'ROLE', 'SUBJECT', 'SHA-1 THUMBPRINT', 'VALID FROM', 'VALID TO', 'DAYS'],
    ...certs.map((c) => [
      c.source,
      c.role + (c.signer ? ' *' : ''),
      clip(terminalSafe(c.subject)),
      c.thumbprintSha1,
      c.notBefore.slice(0, 10),
      c.notAfter.slice(0, 10),
      String(c.daysLeft),
    ]),
  ]);
}

/** The readable report of one assessment: verdict, findings with remedies, certificates, timeline. */
export function renderAssessment(a: Assessment, o: ReportOptions): string {
  const { subject } = a;
  const unicode = subject.kind === 'domain' ? domainToUnicode(subject.domain) : '';
  const title =
    subject.kind === 'mfg'
      ? 'Microsoft Federation Gateway / Exchange trust'
      : subject.kind === 'exchange-hybrid'
        ? `Exchange hybrid app — ${subject.organization}`
        : unicode !== subject.domain
          ? `${unicode} (${subject.domain})`
          : subject.domain;
  const lines = [
    `${paint(o, 'bold', title)} — ${paint(o, STATUS_STYLE[a.status], a.status.toUpperCase())}`,
  ];
  if (a.idp?.entityId || a.idp?.metadataUrl) {
    const kind = subject.kind === 'mfg' ? '' : a.idp.adfsShaped ? ' (AD FS)' : ' (third-party IdP)';
    lines.push(
      `  IdP: ${terminalSafe(a.idp.entityId ?? '?')}${kind}${a.idp.metadataUrl ? ` · ${terminalSafe(a.idp.metadataUrl)}` : ''}`,
    );
  }
  if (a.signer)
    lines.push(`  Signer: ${a.signer.thumbprintSha1} — ${SIGNER_METHOD_TEXT[a.signer.method]}`);
  if (a.entraUpdate) {
    lines.push(
      `  Entra's last metadata poll: ${terminalSafe(a.entraUpdate.result)}${a.entraUpdate.lastRun ? ` on ${a.entraUpdate.lastRun.slice(0, 10)}` : ''} — ${a.entraUpdate.explanation}`,
    );
  }
  lines.push('', '  Findings');
  for (const f of a.findings) lines.push(...finding(f, o));
  if (a.certificates.length > 0) {
    lines.push('', '  Certificates (* = signs tokens now)', ...certificateTable(a.certificates));
  }
  if (a.timeline.length > 1) {
    lines.push('', '  Timeline');
    for (const t of a.timeline) {
      const line = `  ${t.date.slice(0, 10)}  ${t.event}`;
      lines.push(t.kind === 'today' ? paint(o, 'bold', line) : line);
    }
  }
  return lines.join('\n');
}
