import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  ASSESSOR,
  BASE_URL,
  HR,
  checkA11y,
  checkReflow,
  chooseOptionByKeyboard,
  chooseRadioByKeyboard,
  escapeRegExp,
  factIn,
  formatDate,
  isoDateInDays,
  labelled,
  newVisitorContext,
  nextPost,
  passwordLogin,
  retypeFocused,
  skipToMain,
  sql,
  tabIntoRadioGroup,
  tabTo,
  typeDateByKeyboard,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// The offer and the hire (R13), by keyboard where a person would type or press (Tab, arrow keys,
// Space, Enter, typing).
//
// Setup, read from and written to the database (DATABASE_URL) with python3's sqlite3 module, as
// run.sh does: the spec takes the demo posting still being assessed (deadline passed within the
// last 21 days) with three or more at the interview stage, not screened blind, with no innstilling
// and no candidate sharing a name with a holder of a preferential right, the one with the MOST
// candidates on the form (tests/recommendation.spec.ts takes those with the fewest). It sets that
// posting's `positions` to 1, so that the first accepted offer fills it and everyone else still
// waiting gets the final answer. The innstilling is then written through the UI as setup (by
// mouse): Lars Leder (e2e-leder) ranks the first two candidates on the form 1 and 2 (every
// requirement ticked), gives every candidate a reason and sends it; Hanne HR (e2e-hr) signs it.
//
// The walk: before the signature /admin/postings/{id}/offers says "Tilbud kan gis når
// innstillingen er signert." and "0 av 1 stillinger er besatt.", with no form. After it, Lars
// proposes by keyboard to "1. <name>" a temporary offer with a junk salary and no ground or last
// day: 422, the error summary focused, linking to the salary, the ground and the last day, each
// message at its field, everything typed kept. He corrects the three and sends: "Venter på
// godkjenning fra HR", the letter (PDF) for staff, no approve button for him (a manager; the app
// answers 403 to his POST), and the form now offers only "2. <name>". Hanne HR approves by keyboard
// ("Tilbudet er godkjent og sendt til kandidaten.", "Sendt, venter på svar"), the candidate moves
// to the offer phase, and gets "Tilbud om stilling: <title>" linking to Min side (#offer). The
// candidate follows the link, signs in to Min side with an e-mailed sign-in link, reads the terms
// in "Tilbud om stilling", the letter PDF (application/pdf, "Tilbud om ansettelse", the name, the
// terms; read from its own uncompressed text operators: pdftotext is not installed here), reflows
// at 320 CSS px, and accepts by keyboard: "Takk! Du har takket ja til tilbudet…". The staff page
// then says "1 av 1 stillinger er besatt." and "Takket ja" (no form); Lars gets "Tilbudet er
// akseptert: <title>"; every other applicant still waiting gets "Svar på søknaden din: <title>"
// ("Stillingen er nå besatt"), and the database holds the hire (a `hires` row, a new `employees`
// row from the candidate and the terms). axe-core (WCAG 2.1 A/AA) runs on every page state.
//
// The back office has no link to the offers page (nor does the signed innstilling's e-mail point
// there), so the staff go to it by its address.

const NEEDS_SIGNED = 'Tilbud kan gis når innstillingen er signert.';
const PROPOSED = 'Venter på godkjenning fra HR';
const SENT = 'Sendt, venter på svar';
const ACCEPTED = 'Takket ja';
const APPROVE = 'Godkjenn og send tilbudet';
const WITHDRAW = 'Trekk tilbake tilbudet';
const PROPOSE = 'Foreslå tilbudet';
const LETTER = 'Tilbudsbrevet (PDF)';
const SALARY_ERROR = 'Skriv årslønnen i hele kroner, mellom 100 000 og 5 000 000.';
const GROUND_ERROR = 'Velg grunnlaget for den midlertidige ansettelsen.';
const DATE_ERROR = 'Skriv en dato som åååå-mm-dd.';
const GROUND_B = 'b) Vikariat for en eller flere andre';
/** The phases whose candidates the innstilling's form offers (CONSIDERED in crates/web/src/admin/recommendation.rs). */
const CONSIDERED = ['interview', 'references', 'recommendation', 'offer'];

// ---------------------------------------------------------------------------
// The database, with python3's sqlite3 module, as run.sh does (`sql` in helpers.ts).

interface Posting { id: number; title: string; candidates: number }

/** As in recommendation.spec.ts: postings in process with ≥ 3 at the interview and no innstilling, fewest on the form first. */
function postingsInProcess(): Posting[] {
  const considered = CONSIDERED.map((p) => `'${p}'`).join(', ');
  const rows = sql(
    `SELECT p.id, p.title,
            (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id AND a.phase IN (${considered})) AS n
       FROM postings p
      WHERE p.deadline < ? AND p.deadline >= ? AND p.blind_until IS NULL
        AND (SELECT COUNT(*) FROM applications a WHERE a.posting_id = p.id AND a.phase = 'interview') >= 3
        AND NOT EXISTS (SELECT 1 FROM recommendations r WHERE r.posting_id = p.id)
        AND NOT EXISTS (
          SELECT 1 FROM applications a
            JOIN candidates c ON c.id = a.candidate_id
            JOIN employees e ON lower(e.given_name || ' ' || e.family_name) = lower(c.given_name || ' ' || c.family_name)
            JOIN preference_rights r ON r.employee_id = e.id
           WHERE a.posting_id = p.id AND a.phase IN (${considered}))
      ORDER BY n, p.deadline DESC, p.id`,
    [isoDateInDays(0), isoDateInDays(-21)],
  );
  return rows.map(([id, title, n]) => ({ id: Number(id), title: String(title), candidates: Number(n) }));
}

interface Applicant { id: number; email: string; givenName: string; familyName: string; lang: string; phase: string }

function applicant(id: number): Applicant {
  const rows = sql(
    `SELECT a.id, c.email, c.given_name, c.family_name, a.lang, a.phase
       FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.id = ?`,
    [id],
  );
  expect(rows.length, `application ${id}`).toBe(1);
  const [aid, email, givenName, familyName, lang, phase] = rows[0] as [number, string, string, string, string, string];
  return { id: Number(aid), email, givenName, familyName, lang, phase };
}

/** The posting's applications still waiting (not withdrawn, rejected or hired). */
function waitingApplications(postingId: number): number[] {
  return sql(`SELECT id FROM applications WHERE posting_id = ? AND phase NOT IN ('withdrawn','rejected','hired') ORDER BY id`, [postingId]).map(
    ([id]) => Number(id),
  );
}

// ---------------------------------------------------------------------------
// The page and its PDFs.

/** A card's fact: the <dd> after the <dt> `term`. */
function factOf(card: Locator, term: string): Locator {
  return factIn(card, term);
}

/** The option shown in a <select>. */
async function shownOption(select: Locator): Promise<string> {
  return select.evaluate((el) => {
    const s = el as HTMLSelectElement;
    return (s.options[s.selectedIndex]?.textContent || '').trim();
  });
}

/** Follows a link in the error summary by keyboard; the focus ends on `field` (Tab if the browser left it before). */
async function followSummaryLink(page: Page, link: Locator, field: Locator): Promise<void> {
  await tabTo(page, link, 8);
  await page.keyboard.press('Enter');
  if (!(await field.evaluate((el) => el === document.activeElement))) await tabTo(page, field, 4);
}

/**
 * WinAnsiEncoding (windows-1252) bytes 0x80–0x9F as the characters they stand for; the rest is
 * Latin-1 (Node's TextDecoder('windows-1252') gives C1 controls for these).
 */
const WIN_ANSI_HIGH = new Map<number, number>(
  [
    [0x80, '€'], [0x82, '‚'], [0x83, 'ƒ'], [0x84, '„'], [0x85, '…'], [0x86, '†'], [0x87, '‡'], [0x88, 'ˆ'],
    [0x89, '‰'], [0x8a, 'Š'], [0x8b, '‹'], [0x8c, 'Œ'], [0x8e, 'Ž'], [0x91, '‘'], [0x92, '’'], [0x93, '“'],
    [0x94, '”'], [0x95, '•'], [0x96, '–'], [0x97, '—'], [0x98, '˜'], [0x99, '™'], [0x9a, 'š'], [0x9b, '›'],
    [0x9c, 'œ'], [0x9e, 'ž'], [0x9f, 'Ÿ'],
  ].map(([b, c]) => [b as number, (c as string).charCodeAt(0)]),
);

/** The text of the PDF's string operands of Tj (uncompressed streams, WinAnsi, octal escapes), one string a line. */
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
    lines.push(String.fromCharCode(...bytes.map((b) => WIN_ANSI_HIGH.get(b) ?? b)));
  }
  return lines.join('\n');
}

/** Checks an offer letter: a PDF in bokmål whose text says each of `texts` (whitespace, NBSP too, folded). */
function checkLetter(what: string, pdf: Buffer, texts: string[]): string[] {
  expect(pdf.subarray(0, 5).toString('latin1'), `${what}: starts with %PDF-`).toBe('%PDF-');
  expect(pdf.includes(Buffer.from('/Lang (nb-NO)', 'latin1')), `${what}: the catalogue has /Lang (nb-NO)`).toBe(true);
  expect(/\/Filter\b/.test(pdf.toString('latin1')), `${what}: the text is read from uncompressed streams`).toBe(false);
  const lines = textOperands(pdf).split('\n');
  const flat = lines.join(' ').replace(/\s+/g, ' ');
  expect(lines[0], `${what}: the heading`).toBe('Tilbud om ansettelse');
  for (const text of texts) expect.soft(flat, `${what} says "${text}"`).toContain(text);
  return lines;
}

/** The mail to `email` whose subject starts with `subject` and whose text has `needle`. */
function mailTo(email: string, subject: string, needle: string, what: string): Promise<Email> {
  return waitForMail(
    (m) => (m.headers['to'] || '').includes(email) && m.subject.startsWith(subject) && m.text.includes(needle),
    what,
  );
}

// ---------------------------------------------------------------------------

test('offer and hire: proposed by the manager (422 first), approved by HR, accepted on Min side; the posting filled, the rest answered, the hire recorded', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const suffix = uniqueSuffix();
  const today = formatDate(isoDateInDays(0));
  const inProcess = postingsInProcess();
  const posting = inProcess[inProcess.length - 1];
  expect(posting, 'a posting in process with three at the interview and no innstilling (demo: deadline within 21 days)').toBeTruthy();
  sql('UPDATE postings SET positions = 1 WHERE id = ?', [posting.id]);
  const postingPath = `/admin/postings/${posting.id}`;
  const recPath = `${postingPath}/recommendation`;
  const offersPath = `${postingPath}/offers`;
  const [[unitName]] = sql('SELECT u.name_nb FROM postings p JOIN org_units u ON u.id = p.unit_id WHERE p.id = ?', [posting.id]) as [string][];
  const employeesBefore = Number(sql('SELECT COUNT(*) FROM employees')[0][0]);

  const startIso = isoDateInDays(45);
  const untilIso = isoDateInDays(45 + 364);
  const answerIso = isoDateInDays(10);
  const fte = '80';
  const junkSalary = 'seks hundre tusen';
  const salary = '620 000';
  const salaryNote = 'lønnstrinn 55';
  const note = `Prøvetid seks måneder. Oppmøte kl. 08.00 første dag (${suffix}).`;

  // --- 1. Lars: before the signature, no offer -------------------------------------------------------
  await passwordLogin(page, ASSESSOR.username, ASSESSOR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await page.goto(offersPath);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tilbud');
  await expect(page.locator('main p.meta').getByRole('link')).toHaveText([posting.title, 'Innstilling']);
  await expect(page.locator('main p.notice').filter({ hasText: NEEDS_SIGNED })).toHaveCount(1);
  await expect(page.getByRole('main').getByText('0 av 1 stillinger er besatt.', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Foreslå tilbud' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: PROPOSE })).toHaveCount(0);
  await checkA11y(page, 'admin: offers before the innstilling is signed');

  // --- 2. Setup: the innstilling, written and sent by Lars, signed by HR (by mouse) -------------------
  await page.goto(recPath);
  const candidates = await page.locator('main form fieldset.part').evaluateAll((sets) =>
    sets.map((fs) => ({ id: Number(fs.id.replace(/^candidate-/, '')), name: (fs.querySelector('legend')?.textContent || '').trim() })),
  );
  expect(candidates.length, 'the innstilling form offers the candidates').toBeGreaterThanOrEqual(3);
  for (const [k, c] of candidates.entries()) {
    if (k < 2) {
      for (const box of await page.locator(`#candidate-${c.id} input[type="checkbox"]`).all()) await box.check();
      await page.locator(`#rank-${c.id}`).selectOption(String(k + 1));
    }
    await page.locator(`#reason-${c.id}`).fill(`Vurdert mot kravene og intervjuet (${k + 1}, ${suffix}).`);
  }
  await page.locator('#summary').fill(`Nr. 1 og 2 er best kvalifisert (${suffix}).`);
  await page.getByRole('button', { name: 'Send til signering', exact: true }).click();
  await expect(page.locator('#rec-status')).toHaveText(/^Sendt til signering /);
  await page.goto(offersPath);
  await expect(page.locator('main p.notice').filter({ hasText: NEEDS_SIGNED }), 'sent, not signed: still no offer').toHaveCount(1);

  const hrContext = await newVisitorContext(browser);
  const hr = await hrContext.newPage();
  await passwordLogin(hr, HR.username, HR.password);
  await expect(hr).toHaveURL(/\/admin\/?$/);
  await hr.goto(recPath);
  await hr.getByRole('group', { name: 'Avgjørelse', exact: true }).getByRole('radio', { name: 'Signer innstillingen', exact: true }).check();
  await hr.getByRole('main').getByRole('textbox', { name: 'Merknad', exact: true }).fill(`Godkjent (${suffix}).`);
  await hr.getByRole('button', { name: 'Lagre avgjørelsen', exact: true }).click();
  await expect(hr.locator('#rec-status')).toHaveText(/^Signert /);

  const first = applicant(candidates[0].id);
  const second = applicant(candidates[1].id);
  expect(first.lang, 'the first-ranked applied in bokmål (the texts checked below)').toBe('nb');
  const firstName = `${first.givenName} ${first.familyName}`;
  expect(candidates[0].name).toBe(firstName);

  // --- 3. Lars: the form, by keyboard; a junk salary and a temporary post without its ground ---------
  await page.goto(offersPath);
  await expect(page.locator('main p.notice').filter({ hasText: NEEDS_SIGNED })).toHaveCount(0);
  await expect(page.getByRole('main').getByText('0 av 1 stillinger er besatt.', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Tilbudene' }), 'no offers yet').toHaveCount(0);
  const form = page.getByRole('region', { name: 'Foreslå tilbud', exact: true });
  const main = page.getByRole('main');
  const f = {
    candidate: form.getByRole('combobox', { name: 'Kandidat', exact: true }),
    positionNb: form.getByRole('textbox', { name: 'Stilling (bokmål)', exact: true }),
    positionEn: form.getByRole('textbox', { name: 'Stilling (engelsk)', exact: true }),
    fte: form.getByRole('spinbutton', { name: 'Stillingsprosent', exact: true }),
    start: form.getByLabel('Tiltredelse', { exact: true }),
    salary: form.getByRole('textbox', { name: 'Årslønn i kroner', exact: true }),
    salaryNote: form.getByRole('textbox', { name: 'Lønnstrinn eller lønnsplassering', exact: true }),
    engagement: form.getByRole('group', { name: 'Ansettelsesform', exact: true }),
    ground: form.getByRole('combobox', { name: 'Grunnlag for midlertidig ansettelse (aml. § 14-9)', exact: true }),
    until: form.getByLabel('Siste dag i en midlertidig stilling', { exact: true }),
    answerBy: form.getByLabel('Svarfrist', { exact: true }),
    note: form.getByRole('textbox', { name: 'Annet i tilbudet', exact: true }),
    submit: form.getByRole('button', { name: PROPOSE, exact: true }),
  };
  await expect(f.candidate.locator('option')).toHaveText([`1. ${candidates[0].name}`, `2. ${candidates[1].name}`]);
  await expect(f.positionNb, 'the posting\'s title to start with').toHaveValue(posting.title);
  await expect(f.start, 'a start in a month to start with').toHaveValue(isoDateInDays(30));
  await expect(f.answerBy, 'a week to answer to start with').toHaveValue(isoDateInDays(7));
  await expect(f.salary).toHaveValue('');
  await expect(f.engagement.getByRole('radio')).toHaveCount(2);
  await expect(f.engagement.locator('label')).toHaveText(['Fast ansettelse', 'Midlertidig ansettelse']);
  await expect(f.ground.locator('option')).toHaveText([
    'Velg …',
    'a) Arbeidet er av midlertidig karakter',
    GROUND_B,
    'c) Praksisarbeid',
    'd) Deltaker i arbeidsmarkedstiltak i regi av eller i samarbeid med NAV',
    'e) Idrettsutøver, trener, dommer eller leder innen organisert idrett',
  ]);
  await checkA11y(page, 'admin: the offer form');

  await skipToMain(page);
  await tabTo(page, f.candidate, 10);
  await chooseOptionByKeyboard(page, f.candidate, `1. ${candidates[0].name}`);
  await tabTo(page, f.positionNb, 2);
  await tabTo(page, f.fte, 3);
  await retypeFocused(page, fte);
  await tabTo(page, f.start, 2);
  await typeDateByKeyboard(page, startIso);
  await tabTo(page, f.salary, 4);
  await page.keyboard.type(junkSalary);
  await tabTo(page, f.salaryNote, 2);
  await page.keyboard.type(salaryNote);
  await tabIntoRadioGroup(page, f.engagement, 3);
  await chooseRadioByKeyboard(page, f.engagement, 'Midlertidig ansettelse');
  await tabTo(page, f.answerBy, 8); // past "Grunnlag …" and "Siste dag …", left as they are
  await typeDateByKeyboard(page, answerIso);
  await tabTo(page, f.note, 4);
  await page.keyboard.type(note);
  await tabTo(page, f.submit, 2);
  let posted = nextPost(page, offersPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'a junk salary, a temporary post without its ground and last day').toBe(422);

  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Skjemaet har feil som må rettes');
  await expect(summary.getByRole('link')).toHaveCount(3);
  await expect(summary.getByRole('link')).toHaveText([
    `Årslønn i kroner: ${SALARY_ERROR}`,
    `Grunnlag for midlertidig ansettelse (aml. § 14-9): ${GROUND_ERROR}`,
    `Siste dag i en midlertidig stilling: ${DATE_ERROR}`,
  ]);
  expect(await summary.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['#salary', '#ground', '#until']);
  await expect(page.locator('#salary-error')).toHaveText(SALARY_ERROR);
  await expect(f.salary).toHaveAttribute('aria-invalid', 'true');
  await expect(f.salary).toHaveAttribute('aria-describedby', 'salary-hint salary-error');
  await expect(page.locator('#ground-error')).toHaveText(GROUND_ERROR);
  await expect(f.ground).toHaveAttribute('aria-describedby', 'ground-hint ground-error');
  await expect(f.ground).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#until-error')).toHaveText(DATE_ERROR);
  await expect(f.until).toHaveAttribute('aria-invalid', 'true');
  await expect(f.until).toHaveAttribute('aria-describedby', 'until-hint until-error');
  for (const ok of [f.positionNb, f.fte, f.start, f.salaryNote, f.answerBy, f.note]) await expect(ok).not.toHaveAttribute('aria-invalid', 'true');
  // Everything typed is kept.
  expect(await shownOption(f.candidate), 'the candidate kept').toBe(`1. ${candidates[0].name}`);
  await expect(f.positionNb).toHaveValue(posting.title);
  await expect(f.fte).toHaveValue(fte);
  await expect(f.start).toHaveValue(startIso);
  await expect(f.salary).toHaveValue(junkSalary);
  await expect(f.salaryNote).toHaveValue(salaryNote);
  await expect(f.engagement.getByRole('radio', { name: 'Midlertidig ansettelse', exact: true })).toBeChecked();
  await expect(f.ground).toHaveValue('');
  await expect(f.until).toHaveValue('');
  await expect(f.answerBy).toHaveValue(answerIso);
  await expect(f.note).toHaveValue(note);
  await expect(main.getByRole('region', { name: 'Tilbudene' }), 'nothing was saved').toHaveCount(0);
  await checkA11y(page, 'admin: the offer form refused (422)');

  // Corrected from the summary's first link: the salary, then on by Tab to the ground and the last day.
  await followSummaryLink(page, summary.getByRole('link').first(), f.salary);
  await retypeFocused(page, salary);
  await tabIntoRadioGroup(page, f.engagement, 3);
  await tabTo(page, f.ground, 2);
  await chooseOptionByKeyboard(page, f.ground, GROUND_B);
  await tabTo(page, f.until, 2);
  await typeDateByKeyboard(page, untilIso);
  await tabTo(page, f.submit, 12);
  posted = nextPost(page, offersPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'the offer proposed').toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(offersPath)}\\?done=proposed$`));
  await expect(page.getByRole('status')).toHaveText('Tilbudet er foreslått og venter på godkjenning fra HR.');

  // The card.
  const offers = page.getByRole('region', { name: 'Tilbudene', exact: true });
  const cards = offers.getByRole('article');
  await expect(cards).toHaveCount(1);
  const card = cards.first();
  const offerId = Number((await card.getAttribute('id'))!.replace(/^offer-/, ''));
  expect(offerId).toBeGreaterThan(0);
  await expect(card.getByRole('heading', { level: 3 })).toHaveText(firstName);
  await expect(factOf(card, 'Status')).toHaveText(PROPOSED);
  await expect(factOf(card, 'Svarfrist')).toHaveText(formatDate(answerIso));
  await expect(factOf(card, 'Foreslått')).toHaveText(new RegExp(`^${escapeRegExp(ASSESSOR.name)}, ${escapeRegExp(today)} kl\\. \\d{2}\\.\\d{2}$`));
  await expect(factOf(card, 'Godkjent')).toHaveCount(0);
  const letterLink = card.getByRole('link', { name: labelled(LETTER, firstName) });
  await expect(letterLink).toHaveAttribute('href', `/admin/offers/${offerId}/letter.pdf`);
  await expect(card.getByRole('button', { name: new RegExp(`^${escapeRegExp(APPROVE)}`) }), 'no approve button for the one who proposed it (a manager)').toHaveCount(0);
  const withdrawButton = card.getByRole('button', { name: labelled(WITHDRAW, firstName) });
  await expect(withdrawButton).toBeVisible();
  // The form now offers only the second (the first has an open offer).
  await expect(f.candidate.locator('option')).toHaveText([`2. ${candidates[1].name}`]);
  await checkA11y(page, 'admin: offers, one proposed');

  // Nor may he approve it by a POST of his own (a manager; HR approves).
  const csrf = await card.locator(`form[action="/admin/offers/${offerId}/withdraw"] input[name="csrf"]`).inputValue();
  const own = await page.request.post(`/admin/offers/${offerId}/approve`, { form: { csrf }, maxRedirects: 0 });
  expect(own.status(), 'the manager\'s own approval').toBe(403);
  expect(sql('SELECT status FROM offers WHERE id = ?', [offerId])[0][0]).toBe('proposed');

  // The letter as the staff read it.
  const staffLetter = await page.request.get(`/admin/offers/${offerId}/letter.pdf`);
  expect(staffLetter.status()).toBe(200);
  expect(staffLetter.headers()['content-type']).toMatch(/^application\/pdf\b/);
  const letterTexts = [
    `Kjære ${firstName}.`,
    `tilby deg stilling som ${posting.title} ved ${unitName}`,
    `Stilling: ${posting.title}`,
    `Enhet: ${unitName}`,
    `Stillingsprosent: ${fte} %`,
    `Tiltredelse: ${formatDate(startIso)}`,
    `Lønn: 620 000 kr (${salaryNote})`,
    `Ansettelsesform: Midlertidig ansettelse til og med ${formatDate(untilIso)}. Grunnlag: ${GROUND_B}`,
    note,
    `Svar på tilbudet på Min side innen ${formatDate(answerIso)}.`,
  ];
  checkLetter('the staff letter PDF', await staffLetter.body(), letterTexts);

  // --- 4. Hanne HR approves, by keyboard ---------------------------------------------------------------
  try {
    await hr.goto(offersPath);
    const hrCard = hr.locator(`main article#offer-${offerId}`);
    await expect(factOf(hrCard, 'Status')).toHaveText(PROPOSED);
    const approve = hrCard.getByRole('button', { name: labelled(APPROVE, firstName) });
    await expect(approve).toBeVisible();
    await expect(hrCard.getByRole('button', { name: labelled(WITHDRAW, firstName) })).toBeVisible();
    await checkA11y(hr, 'admin: offers, one to approve (HR)');
    await skipToMain(hr);
    await tabTo(hr, approve, 12);
    posted = nextPost(hr, `/admin/offers/${offerId}/approve`);
    await hr.keyboard.press('Enter');
    expect((await posted).status(), 'approved').toBe(303);
    await expect(hr).toHaveURL(new RegExp(`${escapeRegExp(offersPath)}\\?done=approved$`));
    await expect(hr.getByRole('status')).toHaveText('Tilbudet er godkjent og sendt til kandidaten.');
    await expect(factOf(hrCard, 'Status')).toHaveText(SENT);
    await expect(factOf(hrCard, 'Godkjent')).toHaveText(new RegExp(`^${escapeRegExp(HR.name)}, ${escapeRegExp(today)} kl\\. \\d{2}\\.\\d{2}$`));
    await expect(hrCard.getByRole('button', { name: new RegExp(`^${escapeRegExp(APPROVE)}`) })).toHaveCount(0);
    await expect(hrCard.getByRole('button', { name: labelled(WITHDRAW, firstName) }), 'a sent offer may still be withdrawn').toBeVisible();
    await checkA11y(hr, 'admin: offers, one sent');
  } finally {
    await hrContext.close();
  }
  expect(applicant(first.id).phase, 'the candidate is at the offer stage').toBe('offer');

  // The offer by e-mail, linking to the offer on Min side.
  const portalPath = `/portal/applications/${first.id}`;
  const offerMail = await mailTo(first.email, `Tilbud om stilling: ${posting.title}`, `${BASE_URL}${portalPath}#offer`, 'the offer, to the candidate');
  expect.soft(offerMail.text).toContain(`Hei, ${firstName}. Vi har gleden av å tilby deg stillingen ${posting.title}.`);
  expect.soft(offerMail.text).toContain(`svar på Min side innen ${formatDate(answerIso)}`);

  // Who else is still waiting: they get the final answer once the post is filled.
  const others = waitingApplications(posting.id).filter((id) => id !== first.id).map(applicant);
  expect(others.map((o) => o.id), 'the second-ranked is still waiting').toContain(second.id);

  // --- 5. The candidate on Min side, from the e-mail ---------------------------------------------------
  const candidateContext = await newVisitorContext(browser);
  try {
    const me = await candidateContext.newPage();
    await me.goto(`${BASE_URL}${portalPath}#offer`);
    await expect(me).toHaveURL(new RegExp(`/portal\\?next=${escapeRegExp(encodeURIComponent(portalPath))}(#offer)?$`));
    await expect(me.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
    await skipToMain(me);
    await tabTo(me, me.getByLabel('E-post', { exact: true }), 10);
    await me.keyboard.type(first.email);
    await me.keyboard.press('Enter');
    await expect(me.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    const linkMail = await waitForMail(
      (m) => (m.headers['to'] || '').includes(first.email) && m.subject === 'Lenke til Min side' && m.text.includes(encodeURIComponent(portalPath)),
      'the sign-in link to the candidate',
    );
    const link = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\?next=${escapeRegExp(encodeURIComponent(portalPath))}`).exec(linkMail.text);
    expect(link, 'the sign-in link leads on to the application').toBeTruthy();
    await me.goto(link![0]);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}$`));
    await expect(me.getByRole('heading', { level: 1 })).toHaveText(posting.title);

    const section = me.getByRole('region', { name: 'Tilbud om stilling', exact: true });
    await expect(section).toHaveAttribute('id', 'offer');
    await expect(section.locator('p > strong')).toHaveText(SENT);
    await expect(section.getByRole('term')).toHaveText(['Stilling', 'Stillingsprosent', 'Tiltredelse', 'Lønn', 'Ansettelsesform']);
    await expect(factIn(section, 'Stilling')).toHaveText(posting.title);
    await expect(factIn(section, 'Stillingsprosent')).toHaveText(`${fte} %`);
    await expect(factIn(section, 'Tiltredelse')).toHaveText(formatDate(startIso));
    await expect(factIn(section, 'Lønn')).toHaveText(/^620\s000\skr$/);
    await expect(factIn(section, 'Ansettelsesform')).toHaveText(`Midlertidig til og med ${formatDate(untilIso)}`);
    await expect(section.locator('p.pre')).toHaveText(note);
    await expect(section.getByText(/^Svar innen /)).toHaveText(`Svar innen ${formatDate(answerIso)}.`);
    const letter = section.getByRole('link', { name: LETTER, exact: true });
    await expect(letter).toHaveAttribute('href', `${portalPath}/offer.pdf`);
    const accept = section.getByRole('button', { name: 'Takk ja til tilbudet', exact: true });
    const decline = section.getByRole('button', { name: 'Takk nei til tilbudet', exact: true });
    await expect(accept).toBeVisible();
    await expect(decline).toBeVisible();
    await expect(me.getByRole('term').filter({ hasText: /^Status$/ }).first().locator('xpath=following-sibling::dd[1]')).toHaveText('I sluttfasen.');
    await checkA11y(me, 'Min side: an application with an offer');
    await checkReflow(me, 'Min side: an application with an offer');

    // The letter, in the candidate's language (bokmål), with the candidate's name.
    const pdf = await me.request.get(`${portalPath}/offer.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/^application\/pdf\b/);
    checkLetter('the letter PDF on Min side', await pdf.body(), letterTexts);

    // Accepted by keyboard.
    await skipToMain(me);
    await tabTo(me, accept, 10);
    posted = nextPost(me, `${portalPath}/offer`);
    await me.keyboard.press('Enter');
    expect((await posted).status(), 'accepted').toBe(303);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}\\?done=hired$`));
    await expect(me.getByRole('status')).toHaveText('Takk! Du har takket ja til tilbudet. Vi tar kontakt om det praktiske før du begynner.');
    await expect(section.locator('p > strong')).toHaveText(ACCEPTED);
    await expect(accept).toHaveCount(0);
    await expect(decline).toHaveCount(0);
    await expect(section.getByText(/^Svar innen /)).toHaveCount(0);
    await expect(me.getByRole('term').filter({ hasText: /^Status$/ }).first().locator('xpath=following-sibling::dd[1]')).toHaveText('Du har fått stillingen.');
    await checkA11y(me, 'Min side: the offer accepted');
  } finally {
    await candidateContext.close();
  }

  // --- 6. The staff page, the e-mails and the hire ------------------------------------------------------
  await page.goto(offersPath);
  await expect(main.getByText('1 av 1 stillinger er besatt.', { exact: true })).toBeVisible();
  await expect(factOf(card, 'Status')).toHaveText(ACCEPTED);
  await expect(card.getByRole('button')).toHaveCount(0);
  await expect(form, 'no more offers once every position is filled').toHaveCount(0);
  await checkA11y(page, 'admin: offers, the post filled');

  const acceptedMail = await mailTo(
    `${ASSESSOR.username}@ous.example`,
    `Tilbudet er akseptert: ${posting.title}`,
    `${BASE_URL}${offersPath}`,
    'the acceptance, to the one who proposed the offer',
  );
  expect.soft(acceptedMail.text).toContain(`Hei, ${ASSESSOR.name}. Kandidaten har takket ja til tilbudet om stillingen ${posting.title}.`);

  for (const o of others) {
    const finalMail = await mailTo(o.email, `Svar på søknaden din: ${posting.title}`, `${BASE_URL}/portal/applications/${o.id}`, `the final answer to application ${o.id}`);
    expect.soft(finalMail.text, `application ${o.id}: the final answer`).toContain('Stillingen er nå besatt');
    expect.soft(finalMail.text).toContain(`Hei, ${o.givenName} ${o.familyName}.`);
    expect.soft(applicant(o.id).phase, `application ${o.id} is answered`).toBe('rejected');
  }
  expect(applicant(first.id).phase).toBe('hired');
  expect(sql(`SELECT COUNT(*) FROM offers WHERE posting_id = ? AND status IN ('proposed','sent')`, [posting.id])[0][0], 'no offer left open').toBe(0);

  const hires = sql('SELECT application_id, offer_id, employee_id, start_date, onboarding_started_at FROM hires WHERE posting_id = ?', [posting.id]);
  expect(hires, 'one hire, from the accepted offer, waiting for onboarding').toEqual([[first.id, offerId, expect.any(Number), startIso, null]]);
  const employeeId = Number(hires[0][2]);
  const employee = sql('SELECT employee_number, given_name, family_name, fte_percent, permanent, hired_on FROM employees WHERE id = ?', [employeeId]);
  expect(employee).toEqual([[`TF${String(first.id).padStart(7, '0')}`, first.givenName, first.familyName, Number(fte), 0, startIso]]);
  expect(Number(sql('SELECT COUNT(*) FROM employees')[0][0]), 'one new employee record').toBe(employeesBefore + 1);
});
