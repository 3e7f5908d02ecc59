import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import {
  ASSESSOR,
  BASE_URL,
  HR,
  activate,
  applicantRows,
  applicationField,
  applySubmitButton,
  checkA11y,
  chooseFilesByKeyboard,
  chooseOptionByKeyboard,
  chooseRadioByKeyboard,
  escapeRegExp,
  fact,
  factIn,
  fillApplication,
  isoDateInDays,
  labelled,
  minimalPdf,
  newVisitorContext,
  nextPost,
  passwordLogin,
  retypeFocused,
  runApp,
  selectOptionMatching,
  skipToMain,
  sql,
  tabIntoRadioGroup,
  tabTo,
  typeDateByKeyboard,
  typeTimeByKeyboard,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// The "done-when" walk of issue 13: ONE posting of HR's own, walked from the applications to the
// hire in one test, by keyboard where a person would act (Tab, Shift+Tab, arrow keys, Space, Enter,
// typing; a link or button is followed with focus + Enter), with axe-core (WCAG 2.1 A/AA, the
// helper `checkA11y`) on every page and page state visited (the career site's ad, form and
// receipt once: the four applicants see the same pages).
//
//  0. Setup, by mouse: Hanne HR (e2e-hr) writes an ad from the nurse template (its requirement
//     profile: two required items, four desired) for Intensivavdelingen, one position, the
//     deadline in 14 days, and publishes it; then, by keyboard, turns blind screening on until
//     "Intervju" on the stages page.
//  1. Four candidates apply on the career site by keyboard (`fillApplication`): Astrid (A), Bjørn
//     (B), Cecilie (C) and Dag (D); C and D ask not to be named on the public applicant list, with
//     a reason. Each gets the receipt.
//  2. Blind screening: the list shows "Søker 1" … "Søker 4" and no name; HR moves Søker 1 and 2 to
//     "Intervju" with the bulk move (the move page hides the names too); the list then names A and
//     B, while C and D stay "Søker 3" and "Søker 4".
//  3. Interviews: HR adds three times; books A ("Gi tid"); the .ics attachment of A's invitation is
//     parsed by python's icalendar (Debian's /usr/bin/python3): METHOD:REQUEST, one VEVENT,
//     DTSTART 09:00 Europe/Oslo, SUMMARY "Intervju: <title>". B is asked to choose and books the
//     next free time on Min side; B's invitation is parsed the same way (10:00).
//  4. Scorecards: HR and Lars Leder (e2e-leder, a manager) each score A by keyboard; Lars sees
//     nothing of HR's card before sending his own; then both see the panel with both columns.
//  5. The deadline passes (moved to yesterday in the database, `talentflyt close-postings`, and
//     the hourly `applicant_lists` job queued in the jobs table, as surveys.spec.ts queues its
//     job): version 1 of the list names A and B. HR grants C's request and refuses D's, each with
//     a rationale (by keyboard). C and D are e-mailed; D signs in to Min side from the e-mailed
//     link and chooses "Behold søknaden og stå på listen"; the newest version and the public page
//     name A, B and D ("Antall søkere" 4, "Ikke oppført på listen" 1).
//  6. The innstilling: Lars writes it after the deadline from the applicant list, ticks the
//     requirements met, ranks A 1 and B 2 with reasons, writes the summary and sends it for
//     sign-off; HR (not the sender) signs it from the front page, with a note.
//  7. The offer: Lars proposes a permanent post to A (620 000 kr, "lønnstrinn 55"); he cannot
//     approve it; the letter PDF, read by pdftotext -layout, has the heading, A's name, the unit,
//     the salary and pay grade. HR (not the proposer) approves it from the front page.
//     "Avslutt saken" is refused now: four applicants wait for a final answer.
//  8. A signs in to Min side from the offer's e-mail, reads the same letter and accepts by
//     keyboard. Lars gets "Tilbudet er akseptert"; B, C and D get "Svar på søknaden din: <title>"
//     ("Stillingen er nå besatt"); the list says "Ansatt" for A and "Avslått" for the others;
//     "1 av 1 stillinger er besatt."; HR finishes the case ("Saken ble avsluttet").
//
// Defects the walk found are checked softly (expect.soft), so the walk goes on and they are all
// reported at the end: see the comments marked "Defect".

const BLIND_NOTE = 'Anonym vurdering: søkerne vises med nummer til de er kommet til steget «Intervju».';

interface Person { key: string; givenName: string; familyName: string; email: string; exemption?: string; id?: string }

const SCORES = ['1 – oppfyller ikke', '2 – oppfyller i liten grad', '3 – oppfyller', '4 – oppfyller godt', '5 – oppfyller svært godt'];

/**
 * Fills in and sends an open scorecard by keyboard: every required item of the profile scored
 * `score`, the recommendation, the overall note; then the panel is shown.
 */
async function scoreByKeyboard(page: Page, cardPath: string, what: string, score: number, recommendation: string, note: string): Promise<void> {
  const required = await page.locator('main form fieldset[id^="score-"]').evaluateAll((sets) =>
    sets.filter((fs) => /^Krav,/.test((fs.querySelector('p.hint')?.textContent || '').trim())).map((fs) => (fs.querySelector('legend')?.textContent || '').trim()),
  );
  expect(required.length, 'the nurse template\'s profile has required items').toBeGreaterThan(0);
  const total = await page.locator('main form fieldset[id^="score-"]').count();
  await checkA11y(page, what);
  await skipToMain(page);
  for (const legend of required) {
    const group = page.getByRole('main').getByRole('group', { name: legend, exact: true });
    await tabIntoRadioGroup(page, group, 8);
    await chooseRadioByKeyboard(page, group, SCORES[score - 1]);
  }
  const rec = page.getByRole('main').getByRole('group', { name: 'Samlet anbefaling', exact: true });
  await tabIntoRadioGroup(page, rec, 4 * total + 4);
  await chooseRadioByKeyboard(page, rec, recommendation);
  await tabTo(page, page.getByLabel('Samlet begrunnelse', { exact: true }), 2);
  await page.keyboard.type(note);
  await tabTo(page, page.getByRole('button', { name: 'Send inn vurderingen', exact: true }), 3);
  const posted = nextPost(page, cardPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), `${what}: sent in`).toBe(303);
  await expect(page.getByText(/^Du sendte inn vurderingen din .+\.$/)).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Panelets vurderinger' })).toBeVisible();
  await checkA11y(page, `${what}, sent in`);
}

/** The text of a PDF as `pdftotext -layout` (poppler-utils) reads it; the bytes are kept at `file`. */
function pdfText(pdf: Buffer, file: string): string {
  expect(pdf.subarray(0, 5).toString('latin1'), 'a PDF').toBe('%PDF-');
  writeFileSync(file, pdf);
  const r = spawnSync('/usr/bin/pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  expect(r.status, `pdftotext ${file}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The names in the first column of an applicant list's table of named applicants. */
async function namedOn(page: Page): Promise<string[]> {
  const table = page.locator('main table').filter({ has: page.locator('thead th', { hasText: /^Navn$/ }) });
  return (await table.locator('tbody th[scope="row"]').allInnerTexts()).map((s) => s.trim());
}

/**
 * The mail to `email` whose subject starts with `subject` and whose text has `needle`. (Each address
 * here is new, and each candidate signs in to Min side once, so there is one such mail.)
 */
function mailTo(email: string, subject: string, what: string, needle = ''): Promise<Email> {
  return waitForMail((m) => (m.headers['to'] || '').includes(email) && m.subject.startsWith(subject) && m.text.includes(needle), what);
}

/** What python's icalendar library reads in the invitasjon.ics attachment of an e-mail file. */
interface Ics { filename: string; method: string; events: number; dtstart: string; tzid: string; summary: string; location: string; attendees: string[] }

/**
 * Reads the .eml with python's e-mail parser, takes its attachment invitasjon.ics, and parses it
 * with icalendar.Calendar.from_ical (Debian's /usr/bin/python3, which has python3-icalendar).
 */
function icsOfMail(file: string): Ics {
  const script = [
    'import email, json, sys, icalendar',
    'from email import policy',
    'msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)',
    'att = [p for p in msg.walk() if p.get_filename() and p.get_filename().endswith(".ics")]',
    'assert len(att) == 1, "one .ics attachment, found %d" % len(att)',
    'cal = icalendar.Calendar.from_ical(att[0].get_payload(decode=True))',
    'ev = [c for c in cal.walk("VEVENT")]',
    'start = ev[0].get("DTSTART")',
    'att_ = ev[0].get("ATTENDEE")',
    'att_ = att_ if isinstance(att_, list) else ([att_] if att_ else [])',
    'print(json.dumps({"filename": att[0].get_filename(), "method": str(cal.get("METHOD")), "events": len(ev),',
    '  "dtstart": start.dt.strftime("%Y-%m-%dT%H:%M:%S"), "tzid": str(start.params.get("TZID", "")),',
    '  "summary": str(ev[0].get("SUMMARY")), "location": str(ev[0].get("LOCATION")), "attendees": [str(a) for a in att_]}))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  expect(r.status, `python3 icalendar on ${file}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * A candidate on Min side, in a browser of their own: from the address of their application, the
 * sign-in form asks for the e-mail address (typed, Enter), and the e-mailed link signs them in.
 */
async function asCandidate(browser: Browser, p: Person, walk: (me: Page, portalPath: string) => Promise<void>, hash = ''): Promise<void> {
  const portalPath = `/portal/applications/${p.id}`;
  const ctx = await newVisitorContext(browser);
  try {
    const me = await ctx.newPage();
    await me.goto(`${BASE_URL}${portalPath}${hash}`);
    await expect(me.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
    await checkA11y(me, `Min side: sign-in (${p.givenName})`);
    await skipToMain(me);
    await tabTo(me, me.getByLabel('E-post', { exact: true }), 10);
    await me.keyboard.type(p.email);
    await me.keyboard.press('Enter');
    await expect(me.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    await checkA11y(me, `Min side: link sent (${p.givenName})`);
    const linkMail = await mailTo(p.email, 'Lenke til Min side', `the sign-in link to ${p.givenName}`, encodeURIComponent(portalPath));
    const link = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\?next=${escapeRegExp(encodeURIComponent(portalPath))}`).exec(linkMail.text);
    expect(link, 'the sign-in link leads on to the application').toBeTruthy();
    await me.goto(link![0]);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}$`));
    await walk(me, portalPath);
  } finally {
    await ctx.close();
  }
}

/** Browser contexts of the other people, closed after the test whatever happens. */
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

test('journey: one posting from four applications to the hire, by keyboard, axe on every page', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const title = `Sykepleier, intensiv (reisen ${suffix})`;
  const people: Record<'a' | 'b' | 'c' | 'd', Person> = {
    a: { key: 'a', givenName: 'Astrid', familyName: `Aune-${suffix}`, email: `astrid.${suffix}@example.no` },
    b: { key: 'b', givenName: 'Bjørn', familyName: `Berg-${suffix}`, email: `bjorn.${suffix}@example.no` },
    c: { key: 'c', givenName: 'Cecilie', familyName: `Crone-${suffix}`, email: `cecilie.${suffix}@example.no`, exemption: `Arbeidsgiveren min vet ikke at jeg søker (${suffix}).` },
    d: { key: 'd', givenName: 'Dag', familyName: `Dahl-${suffix}`, email: `dag.${suffix}@example.no`, exemption: `Jeg vil helst ikke stå på listen (${suffix}).` },
  };
  const nameOf = (p: Person) => `${p.givenName} ${p.familyName}`;

  // --- 0. Setup (by mouse): HR writes and publishes the ad from the nurse template ------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await page.getByRole('link', { name: 'Ny utlysning' }).click();
  await page.getByLabel('Start fra mal', { exact: true }).selectOption({ label: 'Sykepleier' });
  await page.getByRole('button', { name: 'Bruk malen' }).click();
  await expect(page).toHaveURL(/\/admin\/postings\/new\?template=nurse$/);
  await checkA11y(page, 'admin: a new ad from the nurse template');
  await page.getByLabel('Tittel', { exact: true }).fill(title);
  const unitName = 'Intensivavdelingen';
  await selectOptionMatching(page, 'Enhet', new RegExp(`(^|\\s)${unitName}$`));
  await page.getByLabel('Ansettelsesform', { exact: true }).selectOption({ label: 'Fast' });
  await page.getByLabel('Stillingsprosent', { exact: true }).fill('100');
  await page.getByLabel('Antall stillinger', { exact: true }).fill('1');
  await page.getByLabel('Søknadsfrist', { exact: true }).fill(isoDateInDays(14));
  await page.getByLabel('Om enheten', { exact: true }).fill('Intensivavdelingen på Rikshospitalet har 24 senger og behandler de sykeste pasientene i regionen.');
  await page.getByLabel('Om enheten (engelsk)', { exact: true }).fill('The intensive care department at Rikshospitalet has 24 beds for the most seriously ill patients.');
  await page.getByLabel('Arbeidssted', { exact: true }).fill('Rikshospitalet');
  await page.getByRole('button', { name: 'Lagre utkast' }).click();
  await expect(page).toHaveURL(/\/admin\/postings\/\d+$/);
  const postingId = new URL(page.url()).pathname.split('/').pop()!;
  const postingPath = `/admin/postings/${postingId}`;
  const listPath = `${postingPath}/applicants`;
  const approve = page.getByRole('region', { name: 'Godkjenn og publiser' });
  await approve.getByLabel('Publiseres fra', { exact: true }).fill('');
  await approve.getByRole('button', { name: 'Publiser', exact: true }).click();
  await expect(fact(page, 'Status')).toContainText('Publisert');
  await checkA11y(page, 'admin: the ad, published');

  // Blind screening until the interview, set before anyone applies (by keyboard).
  await activate(page, page.getByRole('link', { name: 'Steg og svarfrist for søkerne' }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(postingPath)}/stages$`));
  const blind = page.getByRole('region', { name: 'Anonym vurdering' });
  await checkA11y(page, 'admin: stages, no blind screening');
  await skipToMain(page);
  await tabTo(page, blind.getByLabel('Vis identiteten fra steget', { exact: true }), 80);
  await chooseOptionByKeyboard(page, blind.getByLabel('Vis identiteten fra steget', { exact: true }), 'Intervju');
  await tabTo(page, blind.getByRole('button', { name: 'Lagre anonym vurdering' }), 2);
  await page.keyboard.press('Enter');
  await expect(blind.getByText(BLIND_NOTE, { exact: true })).toBeVisible();
  await checkA11y(page, 'admin: stages, blind screening until "Intervju"');

  // --- 1. Four candidates apply on the career site, by keyboard -------------------------------------
  for (const p of Object.values(people)) {
    const ctx = await newVisitorContext(browser);
    try {
      const me = await ctx.newPage();
      await me.goto(`/jobs/${postingId}`);
      await expect(me.getByRole('heading', { level: 1 })).toHaveText(title);
      if (p.key === 'a') await checkA11y(me, 'career site: the ad');
      await skipToMain(me);
      await tabTo(me, me.getByRole('link', { name: 'Søk på stillingen' }), 80);
      await me.keyboard.press('Enter');
      await expect(me).toHaveURL(new RegExp(`/jobs/${postingId}/apply(\\?.*)?$`));
      if (p.key === 'a') await checkA11y(me, 'career site: the application form');
      await skipToMain(me);
      await fillApplication(me, { givenName: p.givenName, familyName: p.familyName, email: p.email, cv: null }, { keyboard: true });
      if (p.exemption) {
        const exemption = me.getByRole('checkbox', { name: 'Jeg ber om ikke å bli oppført på den offentlige søkerlisten' });
        await tabTo(me, exemption, 10);
        await me.keyboard.press('Space');
        await expect(exemption).toBeChecked();
        await tabTo(me, me.getByLabel('Begrunnelse', { exact: true }), 2);
        await me.keyboard.type(p.exemption);
      }
      const cv = applicationField(me, 'cv');
      await tabTo(me, cv, 30);
      await chooseFilesByKeyboard(me, cv, { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV ${nameOf(p)}`) });
      await tabTo(me, applySubmitButton(me), 6);
      await me.keyboard.press('Enter');
      await expect(me).toHaveURL(new RegExp(`/jobs/${postingId}/applied$`));
      await expect(me.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toBeVisible();
      if (p.key === 'a' || p.key === 'c') await checkA11y(me, `career site: application sent (${p.key})`);
    } finally {
      await ctx.close();
    }
    const receipt = await waitForMail((m) => (m.headers['to'] || '').includes(p.email) && m.subject.startsWith('Vi har mottatt søknaden din'), `the receipt to ${p.key}`);
    if (p.exemption) expect.soft(receipt.text).toContain('Du ba om ikke å bli oppført på den offentlige søkerlisten.');
  }

  // --- 2. Blind screening ------------------------------------------------------------------------------
  // HR has turned blind screening on before the first application (step 0); the list numbers the
  // applicants in order of submission: A = Søker 1 … D = Søker 4.
  await page.goto(postingPath);
  await expect(page.getByRole('list').filter({ hasText: 'Mottatt: 4' })).toBeVisible();
  await checkA11y(page, 'admin: the posting with four applications');
  await activate(page, page.getByRole('link', { name: 'Se og behandle søkerne' }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}$`));
  await expect(page.getByText(BLIND_NOTE, { exact: true })).toBeVisible();
  const hiddenRows = await applicantRows(page);
  expect(hiddenRows.map((r) => [r.name, r.stage]), 'names hidden in the list').toEqual(
    [1, 2, 3, 4].map((n) => [`Søker ${n}`, 'Mottatt']),
  );
  const listText = await page.getByRole('main').innerText();
  for (const p of Object.values(people)) expect.soft(listText, 'the blind list names nobody').not.toContain(p.familyName);
  // Defect: the list's column "Kilde" shows the source's key ("career_site") where the posting page's
  // table "Søknader og ansettelser per kilde" says "Karrieresiden" (source.career_site); the list
  // takes the raw value (crates/web/src/admin/pipeline.rs, `source: a.source.clone()`).
  expect.soft(await page.locator('main table tbody tr td:last-child').allInnerTexts(), 'Kilde in bokmål').toEqual(Array(4).fill('Karrieresiden'));
  const order = [people.a, people.b, people.c, people.d];
  order.forEach((p, i) => (p.id = hiddenRows[i].id));
  await checkA11y(page, 'admin: applicants screened blind');

  // Søker 1 and Søker 2 go on to the interview (by keyboard: the boxes, "Flytt til", the reason).
  await skipToMain(page);
  await tabTo(page, page.getByRole('checkbox', { name: 'Velg Søker 1', exact: true }), 40);
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('checkbox', { name: 'Velg Søker 2', exact: true }), 6);
  await page.keyboard.press('Space');
  const bulk = page.getByRole('group', { name: 'Flytt eller gi svar til de valgte' });
  await tabTo(page, bulk.getByLabel('Flytt til', { exact: true }), 40);
  await chooseOptionByKeyboard(page, bulk.getByLabel('Flytt til', { exact: true }), 'Intervju');
  await tabTo(page, bulk.getByRole('button', { name: 'Gå videre' }), 3);
  await page.keyboard.press('Enter');
  const movePath = `${listPath}/move`;
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(movePath)}\\?`));
  await expect(page.getByRole('table', { name: 'Valgte søkere' }).locator('tbody tr'), 'the move page hides the names too').toHaveText(['Søker 1Mottatt', 'Søker 2Mottatt']);
  await checkA11y(page, 'admin: move two hidden applicants to "Intervju"');
  await skipToMain(page);
  await tabTo(page, page.getByLabel('Begrunnelse', { exact: true }), 10);
  await page.keyboard.type(`Oppfyller kravene på papiret, inviteres til intervju (${suffix}).`);
  await tabTo(page, page.getByRole('button', { name: 'Flytt søkerne' }), 8);
  let posted = nextPost(page, movePath);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page.getByRole('status').filter({ hasText: 'er flyttet' })).toHaveText('2 søkere er flyttet.');
  expect((await applicantRows(page)).map((r) => [r.name, r.stage]), 'revealed at "Intervju", the rest still hidden').toEqual([
    [nameOf(people.a), 'Intervju'],
    [nameOf(people.b), 'Intervju'],
    ['Søker 3', 'Mottatt'],
    ['Søker 4', 'Mottatt'],
  ]);
  await checkA11y(page, 'admin: applicants screened blind, two revealed at the interview');

  // --- 3. Interviews: HR books A; B chooses a time on Min side ----------------------------------------
  const interviewsPath = `${postingPath}/interviews`;
  await activate(page, page.getByRole('main').getByRole('link', { name: 'Intervjuer', exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(interviewsPath)}$`));
  const add = page.getByRole('region', { name: 'Legg til intervjutider', exact: true });
  // Four or more days ahead, on a weekday.
  let ahead = 4;
  while ([0, 6].includes(new Date(`${isoDateInDays(ahead)}T12:00:00Z`).getUTCDay())) ahead++;
  const interviewDate = isoDateInDays(ahead);
  const place = `Rikshospitalet, møterom «Fjord» (${suffix})`;
  await checkA11y(page, 'admin: interviews, no times yet');
  await skipToMain(page);
  await tabTo(page, add.getByLabel('Dato', { exact: true }), 60);
  await typeDateByKeyboard(page, interviewDate);
  await tabTo(page, add.getByLabel('Første intervju starter kl.', { exact: true }), 4);
  await typeTimeByKeyboard(page, '09:00');
  await tabTo(page, add.getByLabel('Antall intervjuer', { exact: true }), 4);
  await retypeFocused(page, '3');
  await tabTo(page, add.getByLabel('Sted', { exact: true }), 3);
  await page.keyboard.type(place);
  await tabTo(page, add.getByRole('button', { name: 'Legg til tidene', exact: true }), 2);
  posted = nextPost(page, `${interviewsPath}/slots`);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page.getByRole('status')).toHaveText('3 intervjutider er lagt til.');
  await checkA11y(page, 'admin: interviews, three times');

  // A gets the first time.
  const table = page.getByRole('table', { name: 'Søkere i intervjusteg og tiden deres' });
  const rowOf = (name: string) => table.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const slotFor = (name: string) => page.getByLabel(`Tid for ${name}`, { exact: true });
  const firstSlot = (await slotFor(nameOf(people.a)).locator('option').allInnerTexts())[0];
  await skipToMain(page);
  await tabTo(page, slotFor(nameOf(people.a)), 12);
  await chooseOptionByKeyboard(page, slotFor(nameOf(people.a)), firstSlot);
  await tabTo(page, rowOf(nameOf(people.a)).getByRole('button', { name: `Gi tid – ${nameOf(people.a)}`, exact: true }), 2);
  posted = nextPost(page, `${interviewsPath}/book`);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page.getByRole('status')).toHaveText('Søkeren har fått tid. Invitasjonen med kalenderfil sendes på e-post.');
  await checkA11y(page, 'admin: interviews, A booked');

  // The invitation's .ics attachment, read by python's icalendar.
  const invitation = await mailTo(people.a.email, `Invitasjon til intervju: ${title}`, 'the invitation to A');
  const cal = icsOfMail(invitation.file);
  expect(cal.filename, 'the attachment').toBe('invitasjon.ics');
  expect(cal.method, 'METHOD').toBe('REQUEST');
  expect(cal.events, 'one VEVENT').toBe(1);
  expect(cal.dtstart, 'DTSTART: 09:00 Oslo time on the day').toBe(`${interviewDate}T09:00:00`);
  expect(cal.tzid, 'DTSTART in Europe/Oslo').toBe('Europe/Oslo');
  expect(cal.summary, 'SUMMARY').toBe(`Intervju: ${title}`);
  expect.soft(cal.location, 'LOCATION').toBe(place);
  expect.soft(cal.attendees, 'ATTENDEE').toEqual([`mailto:${people.a.email}`]);

  // B is asked to choose, and chooses on Min side.
  const invite = page.getByRole('group', { name: 'Be søkere velge tid selv på Min side' });
  await skipToMain(page);
  await tabTo(page, invite.getByRole('checkbox', { name: nameOf(people.b), exact: true }), 30);
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Send forespørsel', exact: true }), 2);
  posted = nextPost(page, `${interviewsPath}/invite`);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await checkA11y(page, 'admin: interviews, B asked to choose');
  await mailTo(people.b.email, `Velg tid for intervju: ${title}`, 'the request to B');
  await asCandidate(browser, people.b, async (me, portalPath) => {
    const section = me.getByRole('region', { name: 'Intervju' });
    const choose = section.getByRole('group', { name: 'Velg tid for intervjuet', exact: true });
    await expect(choose.getByRole('radio')).toHaveCount(2);
    await checkA11y(me, 'Min side: asked to choose an interview time');
    await skipToMain(me);
    await tabIntoRadioGroup(me, choose, 30);
    const second = (await choose.locator('label').allInnerTexts())[0];
    await chooseRadioByKeyboard(me, choose, second);
    await tabTo(me, section.getByRole('button', { name: 'Velg denne tiden', exact: true }), 2);
    const chosen = nextPost(me, `${portalPath}/interview`);
    await me.keyboard.press('Enter');
    expect((await chosen).status()).toBe(303);
    await expect(me.getByRole('status')).toHaveText('Intervjutiden er lagret. Du får en bekreftelse med kalenderfil på e-post.');
    await checkA11y(me, 'Min side: interview time chosen');
  });
  const bInvitation = await mailTo(people.b.email, `Invitasjon til intervju: ${title}`, 'the invitation to B');
  const bCal = icsOfMail(bInvitation.file);
  expect(bCal.method).toBe('REQUEST');
  expect(bCal.dtstart, 'B chose the second time (09:00 + 45 + 15 minutes)').toBe(`${interviewDate}T10:00:00`);
  expect(bCal.summary).toBe(`Intervju: ${title}`);

  // --- 4. Scorecards: HR and Lars Leder each score A; the panel after both -----------------------------
  const cardPath = `/admin/applications/${people.a.id}/scorecard`;
  await page.goto(`/admin/applications/${people.a.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(nameOf(people.a));
  await checkA11y(page, 'admin: A\'s application');
  await activate(page, page.getByRole('region', { name: 'Strukturert vurdering' }).getByRole('link', { name: 'Vurder søkeren', exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));
  await scoreByKeyboard(page, cardPath, 'admin: A\'s scorecard (HR)', 4, 'Ja', `Solid erfaring fra intensiv, rolig og presis (${suffix}).`);
  const larsContext = await newVisitorContext(browser);
  opened.push(larsContext);
  const lars = await larsContext.newPage();
  await passwordLogin(lars, ASSESSOR.username, ASSESSOR.password);
  await expect(lars).toHaveURL(/\/admin\/?$/);
  await checkA11y(lars, 'admin: front page (Lars)');
  await lars.goto(cardPath);
  await expect(lars.getByRole('main'), 'nothing of HR\'s card before his own').not.toContainText(HR.name);
  await scoreByKeyboard(lars, cardPath, 'admin: A\'s scorecard (Lars)', 5, 'Klart ja', `Beste intervju i runden (${suffix}).`);
  const panel = lars.getByRole('table', { name: 'Poeng per kriterium og vurderer (1–5)' });
  await expect(panel.locator('thead th')).toHaveText(['Kriterium', HR.name, ASSESSOR.name, 'Snitt', 'Spenn']);
  await expect(panel.locator('tbody tr').last()).toHaveText(/^Samlet anbefaling\s*Ja\s*Klart ja/);
  await checkA11y(lars, 'admin: the panel of two (Lars)');
  await page.reload();
  await expect(page.getByRole('table', { name: 'Poeng per kriterium og vurderer (1–5)' }).locator('thead th')).toHaveText(['Kriterium', HR.name, ASSESSOR.name, 'Snitt', 'Spenn']);
  await checkA11y(page, 'admin: the panel of two (HR)');

  // --- 5. The deadline passes; the public applicant list and the requests not to be named ----------------
  // Time moves by the database: the deadline becomes yesterday, `talentflyt close-postings` closes the
  // posting, and the hourly job that makes the applicant lists is queued to run now.
  const yesterday = isoDateInDays(-1);
  // (The original deadline too: the list is due the day after the deadline as first announced.)
  sql('UPDATE postings SET deadline = ?, original_deadline = ? WHERE id = ?', [yesterday, yesterday, Number(postingId)]);
  expect(await runApp(['close-postings'])).toMatch(/Closed [1-9]\d* postings/);
  const now = Math.floor(Date.now() / 1000);
  const listJob = Number(
    sql(
      `INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at)
       VALUES ('applicant_lists', '{"kind":"applicant_lists"}', 'queued', 0, 3, ?, ?) RETURNING id`,
      [now, now],
    )[0][0],
  );
  await expect
    .poll(() => String(sql('SELECT status FROM jobs WHERE id = ?', [listJob])[0][0]), { message: 'the applicant_lists job runs', timeout: 20_000 })
    .toBe('done');
  const appListPath = `${postingPath}/applicant-list`;
  await page.goto(listPath);
  await checkA11y(page, 'admin: applicants after the deadline');
  await activate(page, page.getByRole('main').getByRole('link', { name: 'Offentlig søkerliste', exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appListPath)}$`));
  await expect(page.getByRole('heading', { level: 2, name: /^Versjon 1, laget / })).toBeVisible();
  expect(await namedOn(page), 'version 1: A and B; C and D asked not to be named').toEqual([nameOf(people.a), nameOf(people.b)]);
  await checkA11y(page, 'admin: applicant list with two undecided requests');

  const decide = async (p: Person, choice: string, rationale: string, done: string) => {
    const card = page.locator(`main article#case-${p.id}`);
    const group = card.getByRole('group', { name: /^Avgjørelse – / });
    // After a decision the page comes back at #exemptions, where Tab goes on from.
    if (!new URL(page.url()).hash) await skipToMain(page);
    await tabIntoRadioGroup(page, group, 60);
    await chooseRadioByKeyboard(page, group, choice);
    await tabTo(page, card.getByRole('textbox', { name: /^Begrunnelse for avgjørelsen – / }), 3);
    await page.keyboard.type(rationale);
    await tabTo(page, card.getByRole('button', { name: /^Lagre avgjørelsen – / }), 2);
    const decided = nextPost(page, `/admin/applications/${p.id}/exemption`);
    await page.keyboard.press('Enter');
    expect((await decided).status()).toBe(303);
    await expect(page.getByRole('status')).toHaveText(done);
  };
  const grantReason = `Søkeren har godtgjort at en oppføring kan skade nåværende arbeidsforhold (${suffix}).`;
  const refuseReason = `Stillingen har stor offentlig interesse, og grunnen veier ikke tyngre (${suffix}).`;
  await decide(people.c, 'Innvilg: søkeren står ikke på listen', grantReason, 'Anmodningen er innvilget, og søkeren har fått beskjed.');
  await checkA11y(page, 'admin: applicant list, one request granted');
  await decide(people.d, 'Avslå: søkeren får beskjed og kan trekke søknaden', refuseReason, 'Anmodningen er avslått, og søkeren har fått beskjed.');
  await checkA11y(page, 'admin: applicant list, one granted, one refused');
  const granted = await mailTo(people.c.email, `Du blir ikke oppført på søkerlisten: ${title}`, 'the grant to C');
  expect.soft(granted.text).toContain(grantReason);
  const refusal = await mailTo(people.d.email, `Anmodningen om ikke å bli oppført er avslått: ${title}`, 'the refusal to D');
  expect.soft(refusal.text).toContain(refuseReason);
  expect(refusal.text).toContain(`${BASE_URL}/portal/applications/${people.d.id}`);

  // D decides on Min side: stays in, on the list.
  await asCandidate(browser, people.d, async (me) => {
    await expect(fact(me, 'Offentlig søkerliste')).toHaveText(/^Anmodningen ble ikke tatt til følge\. Svar innen /);
    const answer = me.getByRole('region', { name: /./ }).filter({ has: me.getByRole('button', { name: 'Behold søknaden og stå på listen' }) });
    await checkA11y(me, 'Min side: D, asked to answer the refusal');
    await skipToMain(me);
    await tabTo(me, answer.getByRole('button', { name: 'Behold søknaden og stå på listen' }), 20);
    await me.keyboard.press('Enter');
    await expect(me.getByRole('status')).toHaveText('Svaret ditt er lagret. Du står på den offentlige søkerlisten.');
    await expect(fact(me, 'Offentlig søkerliste')).toHaveText('Du har valgt å stå på listen.');
    await checkA11y(me, 'Min side: D stays on the list');
  });
  await page.goto(appListPath);
  await expect(page.getByRole('heading', { level: 2, name: /^Versjon 2, laget / })).toBeVisible();
  expect(await namedOn(page), 'the newest version names D too').toEqual([nameOf(people.a), nameOf(people.b), nameOf(people.d)]);
  await checkA11y(page, 'admin: applicant list, D named');

  // The public page, to a visitor.
  const visitorContext = await newVisitorContext(browser);
  try {
    const visitor = await visitorContext.newPage();
    await expect(async () => {
      await visitor.goto(`/jobs/${postingId}/applicants`);
      expect(await namedOn(visitor)).toEqual([nameOf(people.a), nameOf(people.b), nameOf(people.d)]);
    }, 'the public list names A, B and D').toPass({ timeout: 10_000 });
    await expect(fact(visitor, 'Antall søkere')).toHaveText('4');
    await expect(fact(visitor, 'Ikke oppført på listen')).toHaveText('1');
    await expect(visitor.getByRole('main')).not.toContainText(people.c.familyName);
    await checkA11y(visitor, 'career site: the public applicant list');
  } finally {
    await visitorContext.close();
  }

  // --- 6. The innstilling: Lars writes it, ranks A and B with reasons, sends it; HR signs it ---------------
  const recPath = `${postingPath}/recommendation`;
  await lars.goto(listPath);
  await checkA11y(lars, 'admin: applicants (Lars)');
  await activate(lars, lars.getByRole('main').locator(`a[href="${recPath}"]`));
  await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(recPath)}$`));
  const onForm = await lars.locator('main form fieldset.part').evaluateAll((sets) => sets.map((fs) => (fs.querySelector('legend')?.textContent || '').trim()));
  expect(onForm, 'the candidates at the interview, A and B, by name').toEqual([nameOf(people.a), nameOf(people.b)]);
  await checkA11y(lars, 'admin: the innstilling form');
  const ranked = [
    { p: people.a, rank: '1', reason: `Oppfyller alle kravene; lang erfaring fra intensiv og svært godt intervju (${suffix}).` },
    { p: people.b, rank: '2', reason: `Oppfyller kravene; noe kortere erfaring enn nr. 1 (${suffix}).` },
  ];
  await skipToMain(lars);
  for (const r of ranked) {
    for (const box of await lars.locator(`#candidate-${r.p.id} input[type="checkbox"]`).all()) {
      await tabTo(lars, box, 12);
      await lars.keyboard.press('Space');
      await expect(box).toBeChecked();
    }
    await tabTo(lars, lars.getByRole('main').getByRole('combobox', { name: labelled('Rangering', nameOf(r.p)) }), 3);
    await chooseOptionByKeyboard(lars, lars.locator(`#rank-${r.p.id}`), r.rank);
    await tabTo(lars, lars.getByRole('main').getByRole('textbox', { name: labelled('Begrunnelse', nameOf(r.p)) }), 3);
    await lars.keyboard.type(r.reason);
  }
  await tabTo(lars, lars.getByRole('main').getByRole('textbox', { name: 'Samlet vurdering', exact: true }), 3);
  await lars.keyboard.type(`To kandidater ble intervjuet og vurdert av to i panelet. Nr. 1 er best kvalifisert (${suffix}).`);
  await tabTo(lars, lars.getByRole('button', { name: 'Send til signering', exact: true }), 3);
  posted = nextPost(lars, recPath);
  await lars.keyboard.press('Enter');
  expect((await posted).status(), 'sent for sign-off').toBe(303);
  await expect(lars.getByRole('status')).toHaveText('Innstillingen er sendt til signering.');
  await expect(lars.locator('#rec-status')).toHaveText(new RegExp(`^Sendt til signering .+ av ${escapeRegExp(ASSESSOR.name)}\\.$`));
  await expect(lars.getByRole('region', { name: 'Signer innstillingen' }), 'the sender does not sign').toHaveCount(0);
  await checkA11y(lars, 'admin: the innstilling sent for sign-off');

  // HR, from the front page.
  await page.goto('/admin');
  const toSign = page.getByRole('region', { name: 'Innstillinger som venter på din signatur', exact: true });
  await checkA11y(page, 'admin: front page with an innstilling to sign');
  await activate(page, toSign.getByRole('link', { name: title, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(recPath)}$`));
  const signSection = page.getByRole('region', { name: 'Signer innstillingen', exact: true });
  const decision = signSection.getByRole('group', { name: 'Avgjørelse', exact: true });
  await checkA11y(page, 'admin: the innstilling to sign (HR)');
  await skipToMain(page);
  await tabIntoRadioGroup(page, decision, 60);
  await chooseRadioByKeyboard(page, decision, 'Signer innstillingen');
  await tabTo(page, signSection.getByRole('textbox', { name: 'Merknad', exact: true }), 2);
  await page.keyboard.type(`Godkjent. Tilbud til nr. 1 (${suffix}).`);
  await tabTo(page, signSection.getByRole('button', { name: 'Lagre avgjørelsen', exact: true }), 2);
  posted = nextPost(page, `${recPath}/decision`);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'signed').toBe(303);
  await expect(page.locator('#rec-status')).toHaveText(new RegExp(`^Signert .+ av ${escapeRegExp(HR.name)}\\.$`));
  const ranking = await page.locator('main section[aria-labelledby="ranking-title"] table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').replace(/\s+/g, ' ').trim())),
  );
  expect(ranking, 'the signed ranking').toEqual([
    ['1', nameOf(people.a), 'Ja', 'Ingen fortrinnsrett'],
    ['2', nameOf(people.b), 'Ja', 'Ingen fortrinnsrett'],
  ]);
  for (const r of ranked) await expect(page.locator(`main article#reasons-${r.p.id} p.pre`)).toHaveText(r.reason);
  await checkA11y(page, 'admin: the innstilling signed');
  await mailTo(`${ASSESSOR.username}@ous.example`, `Innstillingen er signert: ${title}`, 'the signed innstilling, to Lars');

  // --- 7. The offer: proposed by Lars, approved by HR; the letter read with pdftotext --------------------
  const offersPath = `${postingPath}/offers`;
  const salaryNote = 'lønnstrinn 55';
  await lars.goto(listPath);
  await activate(lars, lars.getByRole('main').locator(`a[href="${offersPath}"]`));
  await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(offersPath)}$`));
  await expect(lars.getByRole('main').getByText('0 av 1 stillinger er besatt.', { exact: true })).toBeVisible();
  const form = lars.getByRole('region', { name: 'Foreslå tilbud', exact: true });
  const candidateSelect = form.getByRole('combobox', { name: 'Kandidat', exact: true });
  await expect(candidateSelect.locator('option')).toHaveText([`1. ${nameOf(people.a)}`, `2. ${nameOf(people.b)}`]);
  await checkA11y(lars, 'admin: the offer form');
  await skipToMain(lars);
  await tabTo(lars, candidateSelect, 10);
  await chooseOptionByKeyboard(lars, candidateSelect, `1. ${nameOf(people.a)}`);
  await tabTo(lars, form.getByRole('textbox', { name: 'Årslønn i kroner', exact: true }), 12);
  await lars.keyboard.type('620 000');
  await tabTo(lars, form.getByRole('textbox', { name: 'Lønnstrinn eller lønnsplassering', exact: true }), 2);
  await lars.keyboard.type(salaryNote);
  const engagement = form.getByRole('group', { name: 'Ansettelsesform', exact: true });
  await tabIntoRadioGroup(lars, engagement, 3);
  await chooseRadioByKeyboard(lars, engagement, 'Fast ansettelse');
  await tabTo(lars, form.getByRole('button', { name: 'Foreslå tilbudet', exact: true }), 16);
  posted = nextPost(lars, offersPath);
  await lars.keyboard.press('Enter');
  expect((await posted).status(), 'the offer proposed').toBe(303);
  await expect(lars.getByRole('status')).toHaveText('Tilbudet er foreslått og venter på godkjenning fra HR.');
  const larsCard = lars.getByRole('region', { name: 'Tilbudene', exact: true }).getByRole('article');
  await expect(larsCard).toHaveCount(1);
  const offerId = (await larsCard.getAttribute('id'))!.replace(/^offer-/, '');
  await expect(larsCard.getByRole('button', { name: /^Godkjenn og send tilbudet/ }), 'no approval by the one who proposed it').toHaveCount(0);
  await expect(factIn(larsCard, 'Foreslått')).toHaveText(new RegExp(`^${escapeRegExp(ASSESSOR.name)}, `));
  await checkA11y(lars, 'admin: offers, one proposed');

  // The letter, as pdftotext (poppler-utils) reads it.
  const letter = await lars.request.get(`/admin/offers/${offerId}/letter.pdf`);
  expect(letter.status()).toBe(200);
  expect(letter.headers()['content-type']).toMatch(/^application\/pdf\b/);
  const letterText = pdfText(await letter.body(), test.info().outputPath('offer-letter.pdf'));
  expect(letterText.trimStart(), 'the heading').toMatch(/^Tilbud om ansettelse\b/);
  for (const want of [
    `Kjære ${nameOf(people.a)}.`,
    `Stilling: ${title}`,
    `Enhet: ${unitName}`,
    'Stillingsprosent: 100 %',
    `Lønn: 620 000 kr (${salaryNote})`,
    'Ansettelsesform: Fast ansettelse',
  ]) {
    expect.soft(letterText, `the letter says "${want}"`).toContain(want);
  }

  // HR approves from the front page.
  await page.goto('/admin');
  const toApprove = page.getByRole('region', { name: 'Tilbud som venter på din godkjenning', exact: true });
  await checkA11y(page, 'admin: front page with an offer to approve');
  await activate(page, toApprove.getByRole('link', { name: title, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(offersPath)}$`));
  const hrCard = page.locator(`main article#offer-${offerId}`);
  const approveButton = hrCard.getByRole('button', { name: labelled('Godkjenn og send tilbudet', nameOf(people.a)) });
  await checkA11y(page, 'admin: offers, one to approve (HR)');
  await skipToMain(page);
  await tabTo(page, approveButton, 14);
  posted = nextPost(page, `/admin/offers/${offerId}/approve`);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'approved').toBe(303);
  await expect(page.getByRole('status')).toHaveText('Tilbudet er godkjent og sendt til kandidaten.');
  await expect(factIn(hrCard, 'Status')).toHaveText('Sendt, venter på svar');
  await expect(factIn(hrCard, 'Godkjent'), 'approved by HR, not by the proposer').toHaveText(new RegExp(`^${escapeRegExp(HR.name)}, `));
  await checkA11y(page, 'admin: offers, one sent');

  // Before A answers the case cannot be finished: the others are still waiting.
  await page.goto(postingPath);
  await checkA11y(page, 'admin: the posting, closed');
  posted = nextPost(page, `${postingPath}/finish`);
  await activate(page, page.getByRole('region', { name: 'Avslutt saken' }).getByRole('button', { name: 'Avslutt saken', exact: true }));
  expect((await posted).status(), 'finishing while four wait').toBe(409);
  await expect(page.getByRole('alert')).toContainText('Saken kan ikke avsluttes. 4 søkere har ikke fått endelig svar.');
  await checkA11y(page, 'admin: the posting, finishing refused (409)');

  // --- 8. A accepts on Min side; the post is filled, the others get their final answer; finished ----------
  const offerMail = await mailTo(people.a.email, `Tilbud om stilling: ${title}`, 'the offer, to A');
  expect(offerMail.text).toContain(`${BASE_URL}/portal/applications/${people.a.id}#offer`);
  await asCandidate(browser, people.a, async (me, portalPath) => {
    const offer = me.getByRole('region', { name: 'Tilbud om stilling', exact: true });
    await expect(offer.locator('p > strong')).toHaveText('Sendt, venter på svar');
    await checkA11y(me, 'Min side: A, with the offer');
    const pdf = await me.request.get(`${portalPath}/offer.pdf`);
    expect(pdf.status()).toBe(200);
    const portalLetter = pdfText(await pdf.body(), test.info().outputPath('offer-letter-portal.pdf'));
    expect.soft(portalLetter, 'the candidate\'s letter is the same').toBe(letterText);
    await skipToMain(me);
    await tabTo(me, offer.getByRole('button', { name: 'Takk ja til tilbudet', exact: true }), 12);
    const answered = nextPost(me, `${portalPath}/offer`);
    await me.keyboard.press('Enter');
    expect((await answered).status(), 'accepted').toBe(303);
    await expect(me.getByRole('status')).toHaveText('Takk! Du har takket ja til tilbudet. Vi tar kontakt om det praktiske før du begynner.');
    await expect(fact(me, 'Status').first()).toHaveText('Du har fått stillingen.');
    await checkA11y(me, 'Min side: A accepted');
  }, '#offer');

  await mailTo(`${ASSESSOR.username}@ous.example`, `Tilbudet er akseptert: ${title}`, 'the acceptance, to Lars');
  for (const p of [people.b, people.c, people.d]) {
    const final = await mailTo(p.email, `Svar på søknaden din: ${title}`, `the final answer to ${p.givenName}`);
    expect.soft(final.text, `${p.givenName}: the post is filled`).toContain('Stillingen er nå besatt');
    expect.soft(final.text).toContain(`Hei, ${nameOf(p)}.`);
  }
  await page.goto(offersPath);
  await expect(page.getByRole('main').getByText('1 av 1 stillinger er besatt.', { exact: true })).toBeVisible();
  await checkA11y(page, 'admin: offers, the post filled');
  await page.goto(listPath);
  const final = new Map((await applicantRows(page)).map((r) => [r.id, r.stage]));
  expect([people.a, people.b, people.c, people.d].map((p) => final.get(p.id!)), 'everyone has a final answer').toEqual(['Ansatt', 'Avslått', 'Avslått', 'Avslått']);
  await checkA11y(page, 'admin: applicants, everyone answered');

  await page.goto(postingPath);
  const finish = page.getByRole('region', { name: 'Avslutt saken' });
  await skipToMain(page);
  await tabTo(page, finish.getByRole('button', { name: 'Avslutt saken', exact: true }), 40);
  posted = nextPost(page, `${postingPath}/finish`);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'the case finished').toBe(303);
  await expect(page.getByRole('main').getByText(/^Saken ble avsluttet /)).toBeVisible();
  await expect(finish).toHaveCount(0);
  await checkA11y(page, 'admin: the posting, finished');
});
