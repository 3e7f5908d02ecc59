import { test, expect, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import {
  checkReflow,
  BASE_URL,
  HR,
  activate,
  checkA11y,
  chooseRadioByKeyboard,
  escapeRegExp,
  fact,
  formatDate,
  isoDateInDays,
  newVisitorContext,
  nextPost,
  passwordLogin,
  skipToMain,
  tabIntoRadioGroup,
  tabTo,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// The public applicant list (offentleglova § 25, R11), by keyboard where a person would type or
// press (Tab, arrow keys, Enter, typing). HR opens "Søkerlister" from /admin: the work list has the
// lists with undecided requests not to be named first, and its first row links to that posting's
// requests. On the list page HR reads who is named, sends the first undecided request's form empty
// (422: the error summary, focused, links to both fields), then with a reason but no choice (422:
// only the choice missing, the reason kept), and refuses it: the notice, and the card says who
// refused and until when the applicant may answer (today + 7 days). The refusal e-mail names the
// reason and links to the application on Min side. A visitor with no cookies opens the public page
// (noindex in <meta> and in X-Robots-Tag): the refused applicant is not named until they answer,
// nor is anyone whose request is undecided or granted; the named rows and "Ikke oppført på listen"
// add up to "Antall søkere". The public PDF and the staff PDF of version 1 are PDFs (nb-NO) whose
// text has the heading and exactly the named applicants (read with pdftotext if it is installed,
// else from the PDF's own uncompressed text operators). The refused candidate signs in to Min
// side from the e-mailed link and sees "Anmodningen ble ikke tatt til følge. Svar innen <day>".
// The work list and the public page reflow at 320 CSS px; axe-core (WCAG 2.1 A/AA) runs on every
// page visited, the refusals included.

const OVERVIEW_HEADERS = ['Stilling', 'Versjon', 'Laget', 'Antall søkere', 'Oppført', 'Uavgjorte anmodninger', 'Ubehandlede innsynskrav'];
const NAMED_HEADERS = ['Navn', 'Alder', 'Stilling eller yrkestittel', 'Bostedskommune'];
const COUNT_TERMS = ['Antall søkere', 'Kvinner', 'Menn', 'Annet kjønn', 'Kjønn ikke oppgitt', 'Ikke oppført på listen'];
const DECISION = 'Avgjørelse';
const RATIONALE = 'Begrunnelse for avgjørelsen';
const GRANT = 'Innvilg: søkeren står ikke på listen';
const REFUSE = 'Avslå: søkeren får beskjed og kan trekke søknaden';
const SAVE = 'Lagre avgjørelsen';
const CHOOSE_ERROR = 'Velg et av alternativene.';
const RATIONALE_ERROR = 'Skriv en begrunnelse for avgjørelsen.';
const REFUSED_NOTICE = 'Anmodningen er avslått, og søkeren har fått beskjed.';
/** The answer window after a refusal (ANSWER_DAYS in crates/domain/src/applicant_list.rs). */
const ANSWER_DAYS = 7;

/** The figures of a list's counts (`<dl class="facts">`), by term. */
async function counts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const term of COUNT_TERMS) {
    const text = (await fact(page, term).innerText()).trim();
    expect(text, `the count "${term}"`).toMatch(/^\d+$/);
    out[term] = Number(text);
  }
  return out;
}

/** The names in the first column of the list's table of named applicants (none if there is no table). */
async function namedOn(page: Page): Promise<string[]> {
  const table = page.locator('main table').filter({ has: page.locator('thead th', { hasText: /^Navn$/ }) });
  return (await table.locator('tbody th[scope="row"]').allInnerTexts()).map((s) => s.trim());
}

/** `pdftotext` on PATH (poppler-utils), or null. */
function pdftotextPath(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v pdftotext'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/**
 * The text of the PDF's string operands of Tj (the app's own PDF writer: uncompressed content
 * streams, Helvetica in WinAnsiEncoding, non-ASCII as octal escapes), one string a line.
 */
function textOperands(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const lines: string[] = [];
  for (const m of src.matchAll(/\(((?:\\[\s\S]|[^\\()])*)\)\s*Tj/g)) {
    const bytes: number[] = [];
    const s = m[1];
    for (let i = 0; i < s.length; i++) {
      if (s[i] !== '\\') {
        bytes.push(s.charCodeAt(i) & 0xff);
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
      if (oct) {
        bytes.push(parseInt(oct[0], 8) & 0xff);
        i += oct[0].length;
        continue;
      }
      const c = s[++i];
      const esc: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
      if (c === '\n' || c === '\r') continue; // a line continuation
      bytes.push(esc[c] ?? c.charCodeAt(0));
    }
    lines.push(new TextDecoder('windows-1252').decode(Buffer.from(bytes)));
  }
  return lines.join('\n');
}

/**
 * Checks a list PDF: the bytes (%PDF-, /Lang (nb-NO)) and its text: the heading, the version if
 * given, every named applicant, and none of `notNamed`. The text is read with pdftotext when it is
 * installed, else from the PDF's text operators.
 */
async function checkListPdf(
  what: string,
  body: Buffer,
  want: { named: string[]; notNamed: string[]; version?: number },
  file: string,
): Promise<void> {
  expect(body.subarray(0, 5).toString('latin1'), `${what}: starts with %PDF-`).toBe('%PDF-');
  expect(body.includes(Buffer.from('/Lang (nb-NO)', 'latin1')), `${what}: the catalogue has /Lang (nb-NO)`).toBe(true);
  let text: string;
  const tool = pdftotextPath();
  if (tool) {
    await fs.writeFile(file, body);
    const r = spawnSync(tool, ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(r.status, `${what}: pdftotext reads it (${r.stderr})`).toBe(0);
    text = r.stdout;
  } else {
    expect(/\/Filter\b/.test(body.toString('latin1')), `${what}: without pdftotext, the text is read from uncompressed streams`).toBe(false);
    text = textOperands(body);
  }
  test.info().annotations.push({ type: 'pdf text', description: `${what}: read with ${tool ? 'pdftotext' : "the PDF's text operators"}, ${want.named.length} named` });
  expect.soft(text, `${what}: the heading`).toContain('Offentlig søkerliste');
  if (want.version !== undefined) expect.soft(text, `${what}: the version`).toMatch(new RegExp(`Versjon ${want.version}, laget `));
  for (const name of want.named) expect.soft(text, `${what}: names ${name}`).toContain(name);
  for (const name of want.notNamed) expect.soft(text, `${what}: does not name ${name}`).not.toContain(name);
}

/** The mail to `email` with exactly this subject. */
function mailTo(email: string, subject: string, what: string): Promise<Email> {
  return waitForMail((m) => (m.headers['to'] || '').includes(email) && m.subject === subject, what);
}

test('public applicant list: HR refuses a request not to be named, the public page and PDFs leave the applicant out until they answer, and Min side asks for the answer', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const suffix = uniqueSuffix();
  const rationale = `Stillingen har stor offentlig interesse, og grunnene veier ikke tyngre enn åpenheten (${suffix}).`;
  const today = formatDate(isoDateInDays(0));
  const answerBy = formatDate(isoDateInDays(ANSWER_DAYS));

  // --- 1. HR: the work list of applicant lists ------------------------------------------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await activate(page, page.getByRole('main').getByRole('link', { name: 'Søkerlister', exact: true }));
  await expect(page).toHaveURL(/\/admin\/applicant-lists$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Søkerlister');
  const overview = page.getByRole('table', { name: 'Søkerlister, de med uavgjorte anmodninger først' });
  await expect(overview.locator('thead th')).toHaveText(OVERVIEW_HEADERS);
  const lines = await overview.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')];
      return {
        href: cells[0].querySelector('a')?.getAttribute('href') || '',
        version: Number(cells[1].textContent),
        total: Number(cells[3].textContent),
        named: Number(cells[4].textContent),
        undecided: Number(cells[5].textContent),
        undecidedHref: cells[5].querySelector('a')?.getAttribute('href') || null,
        pending: Number(cells[6].textContent),
      };
    }),
  );
  expect(lines.length, 'the demo has lists from the last 30 days').toBeGreaterThan(0);
  // Lists with anything to decide (requests not to be named, requests for access) come first.
  const firstDecided = lines.findIndex((l) => l.undecided + l.pending === 0);
  if (firstDecided >= 0) {
    expect(lines.slice(firstDecided).map((l) => l.undecided + l.pending), 'the lists with undecided requests come first').toEqual(lines.slice(firstDecided).map(() => 0));
  }
  for (const l of lines) {
    expect.soft(l.undecidedHref, `${l.href}: a link to the requests only where some are undecided`).toBe(l.undecided > 0 ? `${l.href}#exemptions` : null);
  }
  const first = lines[0];
  expect(first.undecided, 'the first row has a request to decide (the demo always leaves one)').toBeGreaterThan(0);
  const postingId = /^\/admin\/postings\/(\d+)\/applicant-list$/.exec(first.href)?.[1];
  expect(postingId, `the first row links to a posting's list (${first.href})`).toBeTruthy();
  const listPath = `/admin/postings/${postingId}/applicant-list`;
  await checkA11y(page, 'admin: applicant lists');
  await checkReflow(page, 'admin: applicant lists');

  await activate(page, overview.locator('tbody tr').first().getByRole('link', { name: String(first.undecided), exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}#exemptions$`));

  // --- 2. The list page: who is named, and the undecided request ------------------------------------
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offentlig søkerliste');
  const title = (await page.locator('main p.meta a').first().innerText()).trim();
  const versionHeading = page.getByRole('heading', { level: 2, name: /^Versjon \d+, laget / });
  await expect(versionHeading).toHaveText(/^Versjon (\d+), laget \d{1,2}\. \S+ \d{4} kl\. \d{2}\.\d{2}$/);
  const version = Number(/^Versjon (\d+)/.exec(await versionHeading.innerText())![1]);
  expect(version, 'the page shows the version the work list names').toBe(first.version);
  const staffCounts = await counts(page);
  const staffNamed = await namedOn(page);
  expect(staffCounts['Antall søkere'], '"Antall søkere" as on the work list').toBe(first.total);
  expect(staffNamed.length, 'the named rows, as "Oppført" on the work list').toBe(first.named);
  expect(staffNamed.length + staffCounts['Ikke oppført på listen'], 'named + not named = all').toBe(staffCounts['Antall søkere']);
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Last ned søkerlisten som PDF', exact: true })).toHaveAttribute('href', `${listPath}.pdf?version=${version}`);
  await expect(main.getByRole('link', { name: 'Se den offentlige siden', exact: true })).toHaveAttribute('href', `/jobs/${postingId}/applicants`);
  const versions = page.getByRole('region', { name: 'Versjoner', exact: true }).locator('tbody tr');
  await expect(versions).toHaveCount(version);
  for (let n = 1; n <= version; n++) {
    const cell = versions.locator('th').filter({ hasText: new RegExp(`^${n}$`) });
    if (n === version) await expect(cell.locator('[aria-current="true"]'), `version ${n} is the one shown`).toHaveText(String(n));
    else await expect(cell.getByRole('link', { name: String(n), exact: true })).toHaveAttribute('href', `${listPath}?version=${n}`);
  }

  const exemptions = page.getByRole('region', { name: 'Anmodninger om ikke å bli oppført', exact: true });
  const openCards = exemptions.getByRole('article').filter({ has: page.getByRole('button', { name: new RegExp(`^${SAVE}`) }) });
  await expect(openCards, 'one form per undecided request, as on the work list').toHaveCount(first.undecided);
  const card = openCards.first();
  const nameLink = card.getByRole('heading', { level: 3 }).getByRole('link');
  const candidate = (await nameLink.innerText()).trim();
  const appHref = (await nameLink.getAttribute('href'))!;
  const appId = /^\/admin\/applications\/(\d+)$/.exec(appHref)?.[1];
  expect(appId, `the card's heading links to the application (${appHref})`).toBeTruthy();
  expect(staffNamed, `${candidate}, undecided, is not on the list`).not.toContain(candidate);
  await expect(page.locator('main p.notice').filter({ hasText: 'Noen anmodninger om ikke å bli oppført er ikke avgjort.' })).toHaveCount(1);
  await checkA11y(page, 'admin: applicant list with an undecided request');

  // The candidate's address, from the application page the card links to.
  await activate(page, nameLink);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appHref)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(candidate);
  const email = (await fact(page, 'E-post').innerText()).trim();
  expect(email).toMatch(/^\S+@\S+$/);
  await expect(main).toContainText('Søkeren ber om ikke å bli oppført på den offentlige søkerlisten. Ikke avgjort ennå.');
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}#exemptions$`));

  // The card by its id from now on (a decided card has no form).
  const theCard = page.locator(`main article#case-${appId}`);
  const group = theCard.getByRole('group', { name: `${DECISION} – ${candidate}`, exact: true });
  const textarea = theCard.getByRole('textbox', { name: `${RATIONALE} – ${candidate}`, exact: true });
  const save = theCard.getByRole('button', { name: `${SAVE} – ${candidate}`, exact: true });
  await expect(group.getByRole('radio')).toHaveCount(2);
  await expect(group.locator('label')).toHaveText([GRANT, REFUSE]);
  await expect(textarea).toHaveValue('');
  const exemptionPath = `/admin/applications/${appId}/exemption`;

  // Sent empty: 422, the summary focused, linking to both fields.
  await theCard.getByRole('heading', { level: 3 }).getByRole('link').focus();
  await tabTo(page, save, 4);
  let posted = nextPost(page, exemptionPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'a decision without a choice or a reason').toBe(422);
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Skjemaet har feil som må rettes');
  await expect(summary.getByRole('link')).toHaveText([`${DECISION}: ${CHOOSE_ERROR}`, `${RATIONALE}: ${RATIONALE_ERROR}`]);
  expect(await summary.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([`#decision-${appId}`, `#rationale-${appId}`]);
  await expect(theCard.locator(`#decision-${appId}-error`)).toHaveText(CHOOSE_ERROR);
  await expect(group).toHaveAttribute('aria-describedby', `decision-${appId}-error`);
  await expect(theCard.locator(`#rationale-${appId}-error`)).toHaveText(RATIONALE_ERROR);
  await expect(textarea).toHaveAttribute('aria-invalid', 'true');
  await expect(textarea).toHaveAttribute('aria-describedby', `rationale-${appId}-hint rationale-${appId}-error`);
  for (const r of await group.getByRole('radio').all()) await expect(r).not.toBeChecked();
  await checkA11y(page, 'admin: applicant list, a decision sent empty (422)');

  // From the summary to the reason; typed, sent without a choice: 422 again, the reason kept.
  await tabTo(page, summary.getByRole('link').nth(1), 2);
  await page.keyboard.press('Enter');
  if (!(await textarea.evaluate((el) => el === document.activeElement))) await tabTo(page, textarea, 4);
  await page.keyboard.type(rationale);
  await tabTo(page, save, 2);
  posted = nextPost(page, exemptionPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'a reason but no choice').toBe(422);
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText([`${DECISION}: ${CHOOSE_ERROR}`]);
  await expect(textarea, 'the reason typed is kept').toHaveValue(rationale);
  await expect(textarea).not.toHaveAttribute('aria-invalid', 'true');

  // Refused by keyboard: from the summary to the choice, arrow keys, Tab to the button, Enter.
  await tabTo(page, summary.getByRole('link'), 2);
  await page.keyboard.press('Enter');
  await tabIntoRadioGroup(page, group, 3);
  await chooseRadioByKeyboard(page, group, REFUSE);
  await tabTo(page, save, 3);
  posted = nextPost(page, exemptionPath);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}\\?done=refused#exemptions$`));
  await expect(page.getByRole('status')).toHaveText(REFUSED_NOTICE);
  await expect(theCard.locator('p > strong')).toHaveText(new RegExp(`^Avslått ${escapeRegExp(today)} kl\\. \\d{2}\\.\\d{2} av ${escapeRegExp(HR.name)}\\.$`));
  await expect(theCard.locator('p.pre').last()).toHaveText(rationale);
  await expect(theCard.getByText(/^Venter på svar fra søkeren\./)).toHaveText(`Venter på svar fra søkeren. Svarfrist ${answerBy}.`);
  await expect(theCard.locator('form'), 'no form once decided').toHaveCount(0);
  await expect(openCards).toHaveCount(first.undecided - 1);
  await expect(page.locator('main p.notice').filter({ hasText: 'Noen anmodninger om ikke å bli oppført er ikke avgjort.' })).toHaveCount(first.undecided > 1 ? 1 : 0);
  expect(await namedOn(page), `${candidate} is not named before answering`).toEqual(staffNamed);
  await checkA11y(page, 'admin: applicant list, request refused');

  // Who may not be named: every request that is undecided, granted, or refused and not answered yet.
  const notNamed = await exemptions.getByRole('article').evaluateAll((arts) =>
    arts
      .filter((a) => !/Søkeren har godtatt å stå på listen\.|Søkeren svarte ikke innen fristen og står på listen\./.test(a.textContent || ''))
      .map((a) => (a.querySelector('h3')?.textContent || '').trim()),
  );
  expect(notNamed).toContain(candidate);

  // The refusal reaches the candidate, with the reason and the link to Min side.
  const portalPath = `/portal/applications/${appId}`;
  const refusalMail = await mailTo(email, `Anmodningen om ikke å bli oppført er avslått: ${title}`, 'the refusal to the candidate');
  expect(refusalMail.text).toContain(`${BASE_URL}${portalPath}`);
  for (const text of [`Hei, ${candidate}.`, rationale, `innen ${answerBy}`]) expect.soft(refusalMail.text, `the refusal says "${text}"`).toContain(text);

  // The work list: one request fewer to decide on this posting.
  await page.goto('/admin/applicant-lists');
  const after = overview.locator('tbody tr').filter({ has: page.locator(`th a[href="${listPath}"]`) });
  await expect(after.locator('td').nth(4), 'the undecided column').toHaveText(String(first.undecided - 1));

  // --- 3. The public page, to a visitor with no cookies -----------------------------------------------
  const publicPath = `/jobs/${postingId}/applicants`;
  const visitorContext = await newVisitorContext(browser);
  let publicNamed: string[] = [];
  try {
    const visitor = await visitorContext.newPage();
    const res = await visitor.goto(publicPath);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['x-robots-tag'], 'X-Robots-Tag on the public page').toBe('noindex, nofollow');
    await expect(visitor.locator('head meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow');
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Offentlig søkerliste');
    await expect(visitor.locator('main p.lead')).toContainText(title);
    await expect(fact(visitor, 'Versjon')).toHaveText(new RegExp(`^Versjon ${version}, laget `));
    const publicCounts = await counts(visitor);
    publicNamed = await namedOn(visitor);
    expect(publicCounts, 'the same counts as the staff page').toEqual(staffCounts);
    expect(publicNamed, 'the same names as the staff page').toEqual(staffNamed);
    for (const name of notNamed) expect(publicNamed, `${name} (a request not answered in favour of the list) is not named`).not.toContain(name);
    expect(publicNamed.length + publicCounts['Ikke oppført på listen'], 'named rows + "Ikke oppført på listen" = "Antall søkere"').toBe(publicCounts['Antall søkere']);
    expect
      .soft(publicCounts['Kvinner'] + publicCounts['Menn'] + publicCounts['Annet kjønn'] + publicCounts['Kjønn ikke oppgitt'], 'the genders add up to "Antall søkere"')
      .toBe(publicCounts['Antall søkere']);
    if (publicNamed.length > 0) {
      const table = visitor.getByRole('table', { name: 'Søkere på listen', exact: true });
      await expect(table.locator('thead th')).toHaveText(NAMED_HEADERS);
      const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').trim())));
      for (const r of rows) {
        expect.soft(r, `a row of four cells: ${r.join(' | ')}`).toHaveLength(4);
        expect.soft(r[1], `${r[0]}: the age`).toMatch(/^\d{2,3}$/);
      }
    }
    await expect(visitor.getByRole('main').getByRole('link', { name: 'Last ned søkerlisten som PDF', exact: true })).toHaveAttribute('href', `${publicPath}.pdf`);
    await checkA11y(visitor, 'career site: public applicant list');
    // Reflow at 320 px: the test after this one.

    // --- 4. The PDFs: the public one, and the staff one of version 1 -----------------------------------
    const pub = await visitor.request.get(`${publicPath}.pdf`);
    expect(pub.status()).toBe(200);
    expect(pub.headers()['content-type']).toMatch(/^application\/pdf\b/);
    expect(pub.headers()['x-robots-tag'], 'X-Robots-Tag on the public PDF').toBe('noindex, nofollow');
    await checkListPdf('the public PDF', await pub.body(), { named: publicNamed, notNamed, version }, testInfo.outputPath('public.pdf'));
  } finally {
    await visitorContext.close();
  }

  let v1Named = staffNamed;
  if (version !== 1) {
    await page.goto(`${listPath}?version=1`);
    await expect(page.getByRole('heading', { level: 2, name: /^Versjon 1, laget / })).toBeVisible();
    v1Named = await namedOn(page);
  }
  const staffPdf = await page.request.get(`${listPath}.pdf?version=1`);
  expect(staffPdf.status()).toBe(200);
  expect(staffPdf.headers()['content-type']).toMatch(/^application\/pdf\b/);
  await checkListPdf('the staff PDF of version 1', await staffPdf.body(), { named: v1Named, notNamed: [candidate], version: 1 }, testInfo.outputPath('staff-v1.pdf'));

  // --- 5. The candidate on Min side, from the refusal's link -------------------------------------------
  const candidateContext = await newVisitorContext(browser);
  try {
    const me = await candidateContext.newPage();
    await me.goto(`${BASE_URL}${portalPath}`);
    await expect(me).toHaveURL(new RegExp(`/portal\\?next=${escapeRegExp(encodeURIComponent(portalPath))}$`));
    await expect(me.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
    await checkA11y(me, 'Min side: sign-in, on the way to the application');
    await skipToMain(me);
    await tabTo(me, me.getByLabel('E-post', { exact: true }), 10);
    await me.keyboard.type(email);
    await me.keyboard.press('Enter');
    await expect(me.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    const linkMail = await mailTo(email, 'Lenke til Min side', 'the sign-in link to the candidate');
    const link = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\?next=${escapeRegExp(encodeURIComponent(portalPath))}`).exec(linkMail.text);
    expect(link, 'the sign-in link leads on to the application').toBeTruthy();
    await me.goto(link![0]);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}$`));
    await expect(me.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(fact(me, 'Offentlig søkerliste')).toHaveText(new RegExp(`^Anmodningen ble ikke tatt til følge\\. Svar innen ${escapeRegExp(answerBy)}\\b`));
    await checkA11y(me, 'Min side: an application whose request not to be named was refused');
  } finally {
    await candidateContext.close();
  }
});

/**
 * The public page at 320 CSS px: the table of named applicants scrolls sideways in its
 * `div.table-wrap`, which must be a named keyboard stop (axe: scrollable-region-focusable,
 * WCAG 2.1.1). The spec found it missing at first; the page was mended.
 */
test('public applicant list: reflows at 320 px, with the table\'s scrolling region reachable by keyboard', async ({ page, browser }) => {
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await page.goto('/admin/applicant-lists');
  // A list that names someone (so that there is a table to scroll).
  const hrefs = await page.locator('main table tbody tr').evaluateAll((trs) =>
    trs.filter((tr) => Number(tr.querySelectorAll('td')[3]?.textContent) > 0).map((tr) => tr.querySelector('th a')?.getAttribute('href') || ''),
  );
  const postingId = /^\/admin\/postings\/(\d+)\/applicant-list$/.exec(hrefs[0] || '')?.[1];
  expect(postingId, 'a list with someone named on /admin/applicant-lists').toBeTruthy();
  const visitorContext = await newVisitorContext(browser);
  try {
    const visitor = await visitorContext.newPage();
    expect((await visitor.goto(`/jobs/${postingId}/applicants`))?.status()).toBe(200);
    const wrap = visitor.locator('main div.table-wrap');
    await expect(wrap).toHaveCount(1);
    // The scrolling table is a keyboard stop (axe: scrollable-region-focusable).
    await expect(wrap).toHaveAttribute('tabindex', '0');
    await checkReflow(visitor, 'career site: public applicant list');
  } finally {
    await visitorContext.close();
  }
});
