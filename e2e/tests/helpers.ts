import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { randomBytes } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8181').replace(/\/+$/, '');
export const OIDC_ISSUER = (process.env.E2E_OIDC_ISSUER || 'http://127.0.0.1:9400').replace(/\/+$/, '');
export const OUTBOX_DIR = process.env.E2E_OUTBOX_DIR || '';
export const HR = {
  username: process.env.E2E_HR_USERNAME || 'hr',
  password: process.env.E2E_HR_PASSWORD || 'E2e-passord-123',
  name: process.env.E2E_HR_NAME || 'Hanne HR',
};
export const OIDC_USER = {
  login: process.env.E2E_OIDC_LOGIN || 'kari',
  name: process.env.E2E_OIDC_NAME || 'Kari Leder',
};

/** The app binary and its database, for commands such as `close-postings` (set by run.sh). */
export const APP_BIN = process.env.E2E_BIN || '';
export const DATABASE_URL = process.env.DATABASE_URL || '';
/** The employee number of a demo employee without any preferential right (set by run.sh). */
export const EMPLOYEE_NUMBER = process.env.E2E_EMPLOYEE_NUMBER || '';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** A short random suffix that makes titles and e-mail addresses unique per run. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * A date `days` days from today as YYYY-MM-DD (what an <input type=date> takes). "Today" is the
 * Norwegian day (Europe/Oslo), as the app counts it, whatever time zone the tests run in: near
 * midnight UTC the two differ, and deadlines of "today" would be off by one.
 */
export function isoDateInDays(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Oslo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date()); // en-CA formats as YYYY-MM-DD
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const MONTHS_NB = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A YYYY-MM-DD date the way the app writes it: "7. januar 2027" (nb) or "7 January 2027" (en). */
export function formatDate(iso: string, lang: 'nb' | 'en' = 'nb'): string {
  const [y, m, d] = iso.split('-').map(Number);
  return lang === 'nb' ? `${d}. ${MONTHS_NB[m - 1]} ${y}` : `${d} ${MONTHS_EN[m - 1]} ${y}`;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A new anonymous browser context (no cookies) with the suite's defaults. */
export async function newVisitorContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: BASE_URL, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now and fails the
 * test with a readable list if there is any violation. Also checks the basics
 * every Talentflyt page must have: <html lang>, a main landmark and the skip link.
 */
export async function checkA11y(page: Page, label: string, opts: { basics?: boolean; soft?: boolean } = {}): Promise<void> {
  await page.waitForLoadState('load');
  const where = `${label} (${page.url()})`;
  // Soft by default: a long walk goes on and reports every page with violations at its end
  // (the test still fails). { soft: false } stops at the first.
  const expect_ = opts.soft === false ? expect : expect.soft;

  if (opts.basics !== false) {
    const lang = await page.locator('html').getAttribute('lang');
    expect_(lang, `${where}: <html> must have a non-empty lang attribute`).toBeTruthy();
    await expect_(page.getByRole('main'), `${where}: exactly one main landmark`).toHaveCount(1);
    await expect_(
      page.getByRole('link', { name: 'Hopp til hovedinnhold' }).or(page.getByRole('link', { name: 'Skip to main content' })),
      `${where}: skip link`,
    ).toHaveCount(1);
  }

  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = results.violations;
  if (violations.length > 0) {
    const report = violations
      .map((v) => {
        const nodes = v.nodes
          .slice(0, 8)
          .map((n) => {
            const summary = (n.failureSummary || '').replace(/\s*\n\s*/g, ' | ');
            return `      - ${n.target.join(' ')}\n        ${n.html.slice(0, 200)}\n        ${summary}`;
          })
          .join('\n');
        const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more node(s)` : '';
        return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
      })
      .join('\n');
    expect_(
      violations.map((v) => v.id),
      `axe-core found ${violations.length} WCAG A/AA violation(s) on ${where}:\n${report}\n`,
    ).toEqual([]);
  }
}

/** Signs in through the /login form with a username and password. */
export async function passwordLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Brukernavn', { exact: true }).fill(username);
  await page.getByLabel('Passord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Logg inn', exact: true }).click();
}

/**
 * Signs in with "Logg inn med organisasjonskonto" through the test OIDC provider (any password
 * works there) and waits until the back office says who is signed in.
 */
export async function oidcLogin(page: Page, user = OIDC_USER): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Logg inn med organisasjonskonto' }).click();
  await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(OIDC_ISSUER)}/`));
  await page.getByLabel('Username', { exact: true }).fill(user.login);
  await page.getByLabel('Password', { exact: true }).fill('hva-som-helst');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const allow = page.getByRole('button', { name: 'Allow' });
  const signedIn = page.getByText(`Innlogget som ${user.name}`);
  await expect(allow.or(signedIn)).toBeVisible();
  if (await allow.isVisible()) await allow.click();
  await expect(signedIn).toBeVisible();
}

/**
 * Selects the option of a <select> whose text matches `text` (a unit list indents names with
 * dashes, so an exact label does not do); returns the option's value.
 */
export async function selectOptionMatching(page: Page, label: string, text: RegExp): Promise<string> {
  const select = page.getByLabel(label, { exact: true });
  const options = await select.locator('option').evaluateAll((els) =>
    (els as HTMLOptionElement[]).map((o) => ({ value: o.value, label: (o.textContent || '').trim() })),
  );
  const hit = options.find((o) => o.value !== '' && text.test(o.label));
  expect(hit, `select "${label}" must offer an option matching ${text}`).toBeTruthy();
  await select.selectOption(hit!.value);
  return hit!.value;
}

/**
 * Types a YYYY-MM-DD date into the focused <input type=date>, by keyboard only. Chromium orders the
 * day, month and year fields by the browser's own locale, not the page's (Debian's headless
 * Chromium: month/day/year), so it first types 01, 02, 2003, reads which date that made, goes back
 * to the first field with Shift+Tab and types the date in that order. Focus stays on the last field.
 */
export async function typeDateByKeyboard(page: Page, iso: string): Promise<void> {
  const input = page.locator('input[type="date"]:focus');
  await expect(input, 'typeDateByKeyboard needs a focused date input').toHaveCount(1);
  await page.keyboard.type('01022003');
  const probe = await input.inputValue();
  const [y, m, d] = iso.split('-');
  let digits: string;
  if (probe === '2003-02-01') digits = `${d}${m}${y}`;
  else if (probe === '2003-01-02') digits = `${m}${d}${y}`;
  else throw new Error(`cannot tell the field order of this date input (typing 01022003 gave "${probe}")`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.type(digits);
  await expect(input).toHaveValue(iso);
}

/**
 * Types "HH:MM" into the focused <input type=time> by keyboard. Chromium's fields follow the
 * browser's own locale (Debian's headless Chromium: hours, minutes and AM/PM); if the value is
 * still empty after the hours and minutes, the AM/PM field wants "A". Morning times only.
 */
export async function typeTimeByKeyboard(page: Page, hhmm: string): Promise<void> {
  const input = page.locator('input[type="time"]:focus');
  await expect(input, 'typeTimeByKeyboard needs a focused time input').toHaveCount(1);
  const [h] = hhmm.split(':').map(Number);
  expect(h, 'a morning time (the same in a 12- and a 24-hour field)').toBeLessThan(12);
  await page.keyboard.type(hhmm.replace(':', ''));
  if ((await input.inputValue()) !== hhmm) await page.keyboard.type('A');
  await expect(input).toHaveValue(hhmm);
}

/**
 * Presses Tab until `target` has the focus, at most `maxTabs` times (a date input takes up to
 * four: its day, month and year fields and the calendar button), and fails if it never does.
 */
export async function tabTo(page: Page, target: Locator, maxTabs = 4): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  await expect(target, `Tab ${maxTabs} times should reach it`).toBeFocused({ timeout: 1 });
}

/** Tab to the skip link (the first stop) and follow it with Enter: the focus is then in <main>. */
export async function skipToMain(page: Page): Promise<void> {
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Hopp til hovedinnhold' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
}

/**
 * The accessible name "Label: Name" of a field, link or button that carries the candidate's name
 * in a visually hidden span after its visible label (Chromium, computing the name, puts a space
 * before the span's colon).
 */
export function labelled(label: string, name: string): RegExp {
  return new RegExp(`^${escapeRegExp(label)}\\s*: ${escapeRegExp(name)}$`);
}

/** Follows a link (or presses a button) as a keyboard user would: focus, then Enter. */
export async function activate(page: Page, target: Locator): Promise<void> {
  await target.focus();
  await page.keyboard.press('Enter');
}

/** The <dd> after the <dt> `term` in a list of facts. */
export function fact(page: Page, term: string): Locator {
  return page.getByRole('term').filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** The response to the next POST to `path`. */
export function nextPost(page: Page, path: string) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
}

/** Selects the first option of a <select> that has a non-empty value; returns its label. */
export async function selectFirstRealOption(page: Page, label: string): Promise<string> {
  const select = page.getByLabel(label, { exact: true });
  const options = await select.locator('option').evaluateAll((els) =>
    (els as HTMLOptionElement[])
      .filter((o) => o.value !== '' && !o.disabled)
      .map((o) => ({ value: o.value, label: (o.textContent || '').trim() })),
  );
  expect(options.length, `select "${label}" must offer at least one option`).toBeGreaterThan(0);
  await select.selectOption(options[0].value);
  return options[0].label;
}

/**
 * A minimal but valid one-page PDF (correct xref offsets), with the given text on the page.
 */
export function minimalPdf(text = 'CV'): Buffer {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/([()\\])/g, '\\$1');
  const content = `BT /F1 18 Tf 72 770 Td (${safe}) Tj ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---------------------------------------------------------------------------
// The application form (/jobs/{id}/apply).

/** A file as a file chooser or `setInputFiles` takes it. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * What `fillApplication` types into the application form. Only the names and the e-mail address
 * must be given; the other required fields get the values of `APPLICATION_DEFAULTS`. An empty
 * string leaves that field as it is (to leave a required field out on purpose); `cv: null` leaves
 * the CV input alone (for a CV the app has kept from an earlier try).
 */
export interface ApplicationFields {
  givenName: string;
  familyName: string;
  email: string;
  phone?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  municipality?: string;
  /** The label of the "Norskkunnskaper" option, e.g. "Morsmål". */
  norwegianLevel?: string;
  coverLetter?: string;
  cv?: UploadFile | null;
}

export const APPLICATION_DEFAULTS = {
  phone: '+47 912 34 567',
  birthDate: '1990-05-17',
  municipality: 'Oslo',
  norwegianLevel: 'Morsmål',
  coverLetter: 'Jeg søker fordi jeg vil jobbe med pasientene deres, og jeg trives i et tverrfaglig team.',
};

/**
 * The required fields of the application form, in the order Tab reaches them. By id: "E-post"
 * and "Telefon" are also the labels of the referee rows' fields.
 */
export function applicationField(
  page: Page,
  field: 'given_name' | 'family_name' | 'email' | 'phone' | 'birth_date' | 'municipality' | 'norwegian_level' | 'cover_letter' | 'cv' | 'attachments',
): Locator {
  return page.locator(`form.apply #${field}`);
}

/** The visible "Send søknad" button (the form's first button is a hidden default for Enter). */
export function applySubmitButton(page: Page): Locator {
  return page.locator('form.apply .actions').getByRole('button', { name: 'Send søknad', exact: true });
}

/**
 * With the focus on a closed <select>, picks the option whose label matches `label` with the arrow
 * keys (from the top: Home first); returns the label.
 */
export async function chooseOptionByKeyboard(page: Page, select: Locator, label: string | RegExp): Promise<string> {
  await expect(select).toBeFocused();
  const matches = (s: string) => (typeof label === 'string' ? s === label : label.test(s));
  const shown = () =>
    select.evaluate((el) => {
      const s = el as HTMLSelectElement;
      return (s.options[s.selectedIndex]?.textContent || '').trim();
    });
  const n = await select.locator('option').count();
  await page.keyboard.press('Home');
  for (let i = 0; i <= n; i++) {
    const now = await shown();
    if (matches(now)) return now;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option matching ${label} reached with the arrow keys`);
}

/** With the focus on a file input, opens its chooser with Space and answers it with these files. */
export async function chooseFilesByKeyboard(page: Page, input: Locator, files: UploadFile | UploadFile[]): Promise<void> {
  await expect(input).toBeFocused();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles(files);
  await expect(input).toBeFocused();
}

/** Replaces what the focused text field or textarea holds with `text`, by keyboard. */
export async function retypeFocused(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/**
 * Fills the required fields of the application form (see `ApplicationFields`) and chooses the CV.
 * With `keyboard: true` it does so as a keyboard user: from where the focus is (before "Fornavn",
 * e.g. after the skip link), Tab to each field, type, arrow keys in the select, Space on the file
 * input; the focus ends on the CV input (or the last field filled). Nothing is submitted.
 */
export async function fillApplication(
  page: Page,
  fields: ApplicationFields,
  opts: { keyboard?: boolean; leaveQuestions?: boolean } = {},
): Promise<void> {
  const d = APPLICATION_DEFAULTS;
  const texts: [Parameters<typeof applicationField>[1], string][] = [
    ['given_name', fields.givenName],
    ['family_name', fields.familyName],
    ['email', fields.email],
    ['phone', fields.phone ?? d.phone],
    ['birth_date', fields.birthDate ?? d.birthDate],
    ['municipality', fields.municipality ?? d.municipality],
    ['norwegian_level', fields.norwegianLevel ?? d.norwegianLevel],
    ['cover_letter', fields.coverLetter ?? d.coverLetter],
  ];
  const cv =
    fields.cv === undefined
      ? { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV ${fields.givenName} ${fields.familyName}`) }
      : fields.cv;

  if (!opts.keyboard) {
    for (const [name, value] of texts) {
      if (value === '') continue;
      const el = applicationField(page, name);
      if (name === 'norwegian_level') await el.selectOption({ label: value });
      else await el.fill(value);
    }
    if (!opts.leaveQuestions) await answerScreeningQuestions(page, false);
    if (cv) await applicationField(page, 'cv').setInputFiles(cv);
    return;
  }

  // By keyboard: between "Bostedskommune" and "Norskkunnskaper" lie the optional fields, an
  // education row, a work row (each with its "Legg til" button) and "HPR-nummer"; after it, a
  // referee row; a date input takes up to four Tab stops.
  for (const [name, value] of texts) {
    if (value === '') continue;
    const el = applicationField(page, name);
    await tabTo(page, el, 20);
    if (name === 'birth_date') await typeDateByKeyboard(page, value);
    else if (name === 'norwegian_level') await chooseOptionByKeyboard(page, el, value);
    else await retypeFocused(page, value);
  }
  if (!opts.leaveQuestions) await answerScreeningQuestions(page, true);
  if (cv) {
    const input = applicationField(page, 'cv');
    await tabTo(page, input, 30);
    await chooseFilesByKeyboard(page, input, cv);
  }
}

/**
 * Answers every screening question the posting asks (the demo's postings ask two): "Ja" or the
 * first option of a choice, "3" in a number or text field. By keyboard: Tab to each and Space
 * or type.
 */
export async function answerScreeningQuestions(page: Page, keyboard: boolean): Promise<void> {
  // In the order of the page, so that Tab only ever moves forward.
  const questions = page.locator('#questions > fieldset, #questions > .field');
  for (let i = 0; i < (await questions.count()); i++) {
    const q = questions.nth(i);
    const isGroup = (await q.evaluate((el) => el.tagName)) === 'FIELDSET';
    const input = q.locator('input').first();
    if (keyboard) {
      await tabTo(page, input, 10);
      if (isGroup) await page.keyboard.press('Space');
      else await retypeFocused(page, '3');
    } else if (isGroup) {
      await input.check();
    } else {
      await input.fill('3');
    }
  }
}

// ---------------------------------------------------------------------------
// E-mail (.eml) reading: enough MIME to find text in encoded subjects and bodies.

function decodeQuotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function charsetDecode(buf: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(buf);
  } catch {
    return buf.toString('utf8');
  }
}

/** Decodes RFC 2047 encoded-words (=?utf-8?B?...?= / =?utf-8?Q?...?=) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const cs = charset.split('*')[0];
      const buf = enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return charsetDecode(buf, cs);
    });
}

function splitHeaderBody(raw: string): { headers: Record<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body };
}

function decodeMimePart(raw: string): string {
  const { headers, body } = splitHeaderBody(raw);
  const ctype = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(ctype)?.[1];
  if (/^multipart\//i.test(ctype) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .map((p) => decodeMimePart(p.replace(/^\r?\n/, '')))
      .join('\n');
  }
  const charset = /charset="?([^";]+)"?/i.exec(ctype)?.[1] || 'utf-8';
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  let buf: Buffer;
  if (cte === 'base64') buf = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') buf = decodeQuotedPrintable(body);
  else buf = Buffer.from(body, 'latin1'); // raw bytes as read
  let text = charsetDecode(buf, charset);
  if (/text\/html/i.test(ctype)) {
    text = text
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"').replace(/&#0*39;|&#x0*27;|&apos;/g, "'");
  }
  return text;
}

export interface Email {
  file: string;
  raw: string;
  headers: Record<string, string>;
  subject: string;
  /** decoded subject + all decoded text parts */
  text: string;
}

export function parseEml(file: string, rawBytes: Buffer): Email {
  const raw = rawBytes.toString('latin1');
  const { headers } = splitHeaderBody(raw);
  const subject = decodeEncodedWords(charsetDecode(Buffer.from(headers['subject'] || '', 'latin1'), 'utf-8'));
  const text = `${subject}\n${decodeMimePart(raw)}`;
  return { file, raw: rawBytes.toString('utf8'), headers, subject, text };
}

/** Polls the outbox directory for an .eml whose raw text contains `needle`. */
export async function waitForEmail(dir: string, needle: string, timeoutMs = 15_000): Promise<Email> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    let files: string[] = [];
    try {
      files = (await fs.readdir(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.eml'));
    } catch {
      files = [];
    }
    seen.splice(0, seen.length, ...files);
    for (const f of files) {
      const full = path.join(dir, f);
      const bytes = await fs.readFile(full).catch(() => null);
      if (!bytes) continue;
      const email = parseEml(full, bytes);
      if (email.raw.includes(needle) || email.text.includes(needle)) return email;
    }
    if (Date.now() > deadline) {
      throw new Error(`no .eml containing "${needle}" in ${dir} within ${timeoutMs} ms (found: ${seen.join(', ') || 'none'})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls the outbox (E2E_OUTBOX_DIR) for an e-mail that `match` accepts; `what` names it in the error. */
export async function waitForMail(match: (m: Email) => boolean, what: string, timeoutMs = 20_000): Promise<Email> {
  expect(OUTBOX_DIR, 'E2E_OUTBOX_DIR (set by run.sh)').toBeTruthy();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let files: string[] = [];
    try {
      files = ((await fs.readdir(OUTBOX_DIR, { recursive: true })) as string[]).filter((f) => f.endsWith('.eml'));
    } catch {
      files = [];
    }
    for (const f of files.sort()) {
      const full = path.join(OUTBOX_DIR, f);
      const bytes = await fs.readFile(full).catch(() => null);
      if (!bytes) continue;
      const mail = parseEml(full, bytes);
      if (match(mail)) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no e-mail (${what}) in ${OUTBOX_DIR} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------
// The app's command line, against the same database as the running server.

/** Runs `talentflyt <args>` with the suite's DATABASE_URL; returns stdout, fails on a non-zero exit. */
export function runApp(args: string[], timeoutMs = 30_000): Promise<string> {
  if (!APP_BIN || !DATABASE_URL) {
    throw new Error('E2E_BIN and DATABASE_URL must be set (run the suite with run.sh)');
  }
  return new Promise((resolve, reject) => {
    execFile(
      APP_BIN,
      args,
      { env: { ...process.env, DATABASE_URL }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`talentflyt ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Runs one SQL statement against the suite's SQLite database (DATABASE_URL, set by run.sh) with
 * python3's sqlite3 module, as run.sh does; commits, and returns the rows (arrays). For setup the
 * UI does not offer (moving a deadline, say) and for reading what the pages do not show.
 */
export function sql(query: string, params: (string | number)[] = []): unknown[][] {
  const file = DATABASE_URL.replace(/^sqlite:(\/\/)?/, '').replace(/\?.*$/, '');
  expect(file, 'DATABASE_URL must be a sqlite:// URL (set by run.sh)').toBeTruthy();
  const script = [
    'import json, sqlite3, sys',
    'c = sqlite3.connect(sys.argv[1], timeout=30)',
    'rows = c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()',
    'c.commit()',
    'print(json.dumps(rows))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, file, query, JSON.stringify(params)], { encoding: 'utf8' });
  expect(r.status, `python3/sqlite3: ${query}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------
// HR's postings and their applicants.

/** Opens /admin and lists the published postings that have applicants, the fewest applicants first. */
export async function publishedPostings(page: Page): Promise<{ href: string; status: string; n: number }[]> {
  await page.goto('/admin');
  const published = await page.locator('main table tbody tr').evaluateAll((trs) =>
    trs
      .map((tr) => {
        const td = tr.querySelectorAll('td');
        return { href: td[0].querySelector('a')!.getAttribute('href')!, status: (td[2].textContent || '').trim(), n: Number(td[4].textContent) };
      })
      .filter((r) => r.status === 'Publisert' && r.n > 0),
  );
  return published.sort((x, y) => x.n - y.n);
}

/** A list of "Name: n" items (class stage-counts) as a map, in the order of the stages. */
export async function stageCounts(page: Page): Promise<Map<string, number>> {
  await page.waitForLoadState('load'); // callers have seen the new address first
  const items = await page.locator('main ul.stage-counts > li').allInnerTexts();
  return new Map(items.map((t) => { const m = /^(.*): (\d+)$/.exec(t.trim())!; return [m[1], Number(m[2])] as [string, number]; }));
}

/** A row of the applicant list: id (the checkbox's value), the name shown, the stage and the time in it. */
export interface ApplicantRow { id: string; name: string; stage: string; waiting: string }

/** The applicant list's table rows: id (the checkbox's value), the name shown, stage and time in stage. */
export async function applicantRows(page: Page): Promise<ApplicantRow[]> {
  await page.waitForLoadState('load');
  return page.locator('main table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const td = tr.querySelectorAll('td');
      return {
        id: (tr.querySelector('input[type=checkbox]') as HTMLInputElement).value,
        name: (td[1].querySelector('a')?.textContent || '').trim(),
        stage: (td[2].textContent || '').trim(),
        waiting: (td[3].textContent || '').trim(),
      };
    }),
  );
}

// ---------------------------------------------------------------------------
// A second assessor, and radio groups by keyboard (the scorecards, R8).

/** The second staff user run.sh creates: a manager over the whole trust, with the HR password. */
export const ASSESSOR = {
  username: process.env.E2E_ASSESSOR_USERNAME || 'e2e-leder',
  password: process.env.E2E_ASSESSOR_PASSWORD || process.env.E2E_HR_PASSWORD || 'E2e-passord-123',
  name: process.env.E2E_ASSESSOR_NAME || 'Lars Leder',
};

/**
 * Presses Tab until the focus is on a radio button inside `group` (a fieldset: Tab stops once
 * per group, on its checked radio or, with none checked, on the first), at most `maxTabs` times.
 */
export async function tabIntoRadioGroup(page: Page, group: Locator, maxTabs = 10): Promise<void> {
  const inside = () => group.evaluate((el) => el.contains(document.activeElement) && (document.activeElement as HTMLInputElement).type === 'radio');
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await inside()) return;
  }
  expect(await inside(), `Tab ${maxTabs} times should reach a radio button in the group`).toBe(true);
}

/**
 * With the focus on a radio button of `group`, checks the one labelled `label` with the arrow keys
 * (Arrow Down moves and checks; Space checks the first when none is); returns when it is checked.
 */
export async function chooseRadioByKeyboard(page: Page, group: Locator, label: string): Promise<void> {
  const target = group.getByRole('radio', { name: label, exact: true });
  const n = await group.getByRole('radio').count();
  for (let i = 0; i <= n; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) {
      if (!(await target.isChecked())) await page.keyboard.press('Space');
      await expect(target).toBeChecked();
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no radio button "${label}" reached with the arrow keys`);
}

/** At 320 CSS px wide the page does not scroll sideways (a table's own region may). */
export async function checkReflow(page: Page, what: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 320, height: 640 });
  // An absolutely positioned element (a visually hidden text, say) escapes a scrolling region
  // that is not its containing block and widens the page: named in the message if so.
  const escaping = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => ['absolute', 'fixed'].includes(getComputedStyle(el).position) && el.getBoundingClientRect().right > 320.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} in ${el.parentElement?.tagName.toLowerCase()} "${(el.parentElement?.textContent || '').trim().slice(0, 40)}" (right edge ${Math.round(el.getBoundingClientRect().right)}px)`),
  );
  expect
    .soft(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: scrollWidth at 320px; positioned past 320px: ${escaping.join('; ') || 'nothing'}`)
    .toBeLessThanOrEqual(320);
  const sticking = await page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((el) => !el.closest('.table-wrap') && !el.closest('.visually-hidden') && el.getBoundingClientRect().right > 320.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}: ${(el.textContent || '').trim().slice(0, 40)}`),
  );
  expect.soft(sticking, `${what}: nothing outside a table's region reaches past 320px`).toEqual([]);
  await checkA11y(page, `${what} at 320 px`);
  await page.setViewportSize(size);
}

/** The <dd> after the <dt> `term` in a list of facts inside `scope`. */
export function factIn(scope: Locator, term: string): Locator {
  return scope.getByRole('term').filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) }).locator('xpath=following-sibling::dd[1]');
}
