import { test, expect, type Locator, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ASSESSOR,
  BASE_URL,
  DATABASE_URL,
  HR,
  OUTBOX_DIR,
  activate,
  checkA11y,
  checkReflow,
  chooseRadioByKeyboard,
  escapeRegExp,
  isoDateInDays,
  newVisitorContext,
  nextPost,
  passwordLogin,
  tabIntoRadioGroup,
  tabTo,
  uniqueSuffix,
  waitForMail,
  sql,
} from './helpers';

// The candidate experience survey (R14): the invitation, the anonymous answer by keyboard, and
// HR's results per unit.
//
// Setup, read from and written to the database (DATABASE_URL) with python3's sqlite3 module, as
// run.sh does. `serve` queues the `candidate_surveys` job at start and then hourly, and the job
// invites the applications given a final answer (hired/rejected) between 30 days and 1 day ago
// that have no invitation yet. The spec waits until no such job is queued or running, takes a
// rejected (nb) application whose candidate has no invitation at all, on the posting unit with
// the most answers in the results' period, sets its `stage_since` to two days ago and queues the
// job itself (a `jobs` row as the app writes it). The candidate gets "Hvordan opplevde du
// søknadsprosessen? <title>" linking to /survey/{token}.
//
// The walk, in a context without cookies: the form (Cache-Control "private, no-store", the
// posting's title, four radio groups and the comment) passes axe-core and reflows at 320 CSS px.
// Sent by keyboard with nothing chosen: 422, the error summary focused, linking to #nps,
// #informed, #respect and #speed ("<question>: Velg et tall."), each group described by its
// error. Tabbing on from the summary, the score (8) and the first question (4) are chosen with
// the arrow keys and a comment typed, the last two left: 422 again, the summary focused with only
// #respect and #speed, what was chosen and typed kept. From the summary's first link the rest
// are chosen (5, 3); sent: 303 to the same address, "Takk for svaret". The link opened again (another
// fresh context) says the same, with no form; a made-up token is 404, and an invitation past its
// 30 days (written to the database) says "Undersøkelsen er avsluttet" with 410. The database
// holds the answer as the unit, "rejected", the month, the scores and the comment only
// (`survey_responses` has no column and no foreign key that leads to the application or the
// candidate), and the invitation is marked answered.
//
// Hanne HR opens "Søkeropplevelse" from /admin: the table "Svar per enhet" agrees, row by row,
// with the answers in the database for the period the form shows (answers, NPS, the three
// means; "For få svar til å vises" under five answers; "Alle enhetene" last), and the comment
// is listed under the unit only if it has five answers or more. A period with no answers says
// "Ingen svar i perioden.". Lars Leder (a manager) has no link and gets 403. axe-core runs on
// every page state; the results page reflows at 320 CSS px.

const Q_NPS = 'Hvor sannsynlig er det at du vil anbefale oss som arbeidsgiver til andre?';
const Q_INFORMED = 'Jeg fikk god informasjon underveis i prosessen.';
const Q_RESPECT = 'Jeg ble behandlet med respekt.';
const Q_SPEED = 'Jeg fikk svar innen rimelig tid.';
const COMMENT = 'Har du noe du vil si til oss?';
const SEND = 'Send svaret';
const CHOOSE = 'Velg et tall.';
const TITLE = 'Hvordan opplevde du søknadsprosessen?';
const THANKS = 'Takk for svaret';
const TOO_FEW = 'For få svar til å vises';
const ALL_UNITS = 'Sum for enhetene som vises';
const RESULTS = 'Søkeropplevelse';

// ---------------------------------------------------------------------------
// The database, with python3's sqlite3 module, as run.sh does.

function dbFile(): string {
  const file = DATABASE_URL.replace(/^sqlite:(\/\/)?/, '').replace(/\?.*$/, '');
  expect(file, 'DATABASE_URL must be a sqlite:// URL (set by run.sh)').toBeTruthy();
  return file;
}

function python(script: string, args: string[]): string {
  const r = spawnSync('python3', ['-c', script, dbFile(), ...args], { encoding: 'utf8' });
  expect(r.status, `python3/sqlite3:\n${args.join('\n')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/**
 * The results table as it should be for the months `from`..`to`, computed from
 * `survey_responses` the way crates/web/src/admin/surveys.rs does: per unit in the order of its
 * path, the answers, the NPS (promoters 9–10 less detractors 0–6, in points, rounded half away
 * from zero, with a sign) and each mean to one decimal with a comma (Python's and Rust's
 * formatting both round the binary value half to even), or TOO_FEW under five answers; then
 * the total of the units shown.
 */
function expectedTable(from: string, to: string): string[][] {
  const script = String.raw`
import json, math, sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
rows = c.execute("""SELECT r.unit_id, u.name_nb, r.nps, r.informed, r.respect, r.speed
  FROM survey_responses r JOIN org_units u ON u.id = r.unit_id
  WHERE r.month >= ? AND r.month <= ? ORDER BY u.path, r.id""", (sys.argv[2], sys.argv[3])).fetchall()
units = []
for unit_id, name, *scores in rows:
    if not units or units[-1][0] != unit_id:
        units.append((unit_id, name, []))
    units[-1][2].append(scores)
def line(name, answers):
    n = len(answers)
    if n < 5:
        return [name, sys.argv[4]]
    nps = [a[0] for a in answers]
    x = (sum(1 for s in nps if s >= 9) - sum(1 for s in nps if s <= 6)) / n * 100.0
    r = int(math.copysign(math.floor(abs(x) + 0.5), x))
    means = ["%.1f" % (sum(a[i] for a in answers) / n) for i in (1, 2, 3)]
    return [name, str(n), "%+d" % r] + [m.replace(".", ",") for m in means]
out = [line(name, answers) for _, name, answers in units]
# The total covers only the units shown (with the hidden ones it would give them away).
shown = [a for _, _, answers in units if len(answers) >= 5 for a in answers]
if shown:
    out.append(line(sys.argv[5], shown))
print(json.dumps(out))
`;
  return JSON.parse(python(script, [from, to, TOO_FEW, ALL_UNITS]));
}

/** Waits until `query` (one row, one number) gives 0. */
async function waitUntilZero(query: string, what: string, timeoutMs = 20_000): Promise<void> {
  await expect.poll(() => Number(sql(query)[0][0]), { message: what, timeout: timeoutMs, intervals: [200] }).toBe(0);
}

/** The results' default period, this calendar year, as its first and last month (YYYY-MM). */
function defaultPeriod(): { from: string; to: string } {
  const y = isoDateInDays(0).slice(0, 4);
  return { from: `${y}-01`, to: `${y}-12` };
}

interface Invitation { appId: number; email: string; title: string; unitId: number; unitName: string; link: string; path: string }

/**
 * One rejected (nb) application given its final answer two days ago, invited by the
 * `candidate_surveys` job the spec queues: the one on the unit with the most answers in the
 * default period whose candidate has no invitation yet. Returns it with the link from the e-mail.
 */
async function inviteOne(): Promise<Invitation> {
  // The job `serve` queued at start must be done first (else it could invite ours before we look).
  await waitUntilZero(
    "SELECT COUNT(*) FROM jobs WHERE kind = 'candidate_surveys' AND status IN ('queued', 'running')",
    'the candidate_surveys job queued at start has run',
  );
  const { from, to } = defaultPeriod();
  const picked = sql(
    `SELECT a.id, c.email, p.title, p.unit_id, u.name_nb
       FROM applications a JOIN candidates c ON c.id = a.candidate_id
       JOIN postings p ON p.id = a.posting_id JOIN org_units u ON u.id = p.unit_id
      WHERE a.phase = 'rejected' AND a.lang = 'nb' AND p.title <> ''
        AND NOT EXISTS (SELECT 1 FROM survey_invites i JOIN applications b ON b.id = i.application_id
                         WHERE b.candidate_id = a.candidate_id)
        AND (SELECT COUNT(*) FROM candidates d WHERE d.email = c.email) = 1
      ORDER BY (SELECT COUNT(*) FROM survey_responses r WHERE r.unit_id = p.unit_id AND r.month >= ? AND r.month <= ?) DESC, a.id
      LIMIT 1`,
    [from, to],
  );
  expect(picked.length, 'the demo must have a rejected application without a survey invitation').toBe(1);
  const [appId, email, title, unitId, unitName] = picked[0] as [number, string, string, number, string];
  const twoDaysAgo = Math.floor(Date.now() / 1000) - 2 * 86_400;
  sql('UPDATE applications SET stage_since = ? WHERE id = ?', [twoDaysAgo, appId]);

  const before = new Set<string>(
    ((await fs.readdir(OUTBOX_DIR, { recursive: true }).catch(() => [])) as string[])
      .filter((f) => f.endsWith('.eml'))
      .map((f) => path.join(OUTBOX_DIR, f)),
  );
  const now = Math.floor(Date.now() / 1000);
  const jobId = Number(
    sql(
      `INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at)
       VALUES ('candidate_surveys', '{"kind":"candidate_surveys"}', 'queued', 0, 3, ?, ?) RETURNING id`,
      [now, now],
    )[0][0],
  );
  await expect
    .poll(() => String(sql('SELECT status FROM jobs WHERE id = ?', [jobId])[0][0]), { message: 'the survey job runs', timeout: 20_000 })
    .toBe('done');
  expect(sql('SELECT outcome, unit_id, answered FROM survey_invites WHERE application_id = ?', [appId])).toEqual([['rejected', unitId, 0]]);

  const subject = `${TITLE} ${title}`;
  const mail = await waitForMail(
    (m) => !before.has(m.file) && (m.headers['to'] || '').includes(email) && m.subject === subject,
    `"${subject}" to ${email}`,
  );
  expect(mail.text).toContain('svaret ditt er anonymt');
  const link = new RegExp(`${escapeRegExp(BASE_URL)}/survey/[0-9a-f]{20,}`).exec(mail.text)?.[0];
  expect(link, `a /survey/ link in the invitation:\n${mail.text}`).toBeTruthy();
  return { appId, email, title, unitId, unitName, link: link!, path: new URL(link!).pathname };
}

// ---------------------------------------------------------------------------
// Pages.

/** A table's body rows as text, cell by cell (header cells included). */
async function rowsOf(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').replace(/\s+/g, ' ').trim())),
  );
}

/** Follows a link in the error summary by keyboard into `group`: Tab to the link, Enter, Tab into the group. */
async function followSummaryLinkInto(page: Page, link: Locator, group: Locator): Promise<void> {
  await tabTo(page, link, 6);
  await page.keyboard.press('Enter');
  await tabIntoRadioGroup(page, group, 3);
}

function groups(page: Page) {
  const main = page.getByRole('main');
  return {
    nps: main.getByRole('group', { name: Q_NPS, exact: true }),
    informed: main.getByRole('group', { name: Q_INFORMED, exact: true }),
    respect: main.getByRole('group', { name: Q_RESPECT, exact: true }),
    speed: main.getByRole('group', { name: Q_SPEED, exact: true }),
    comment: main.getByRole('textbox', { name: COMMENT, exact: true }),
    send: main.getByRole('button', { name: SEND, exact: true }),
    summary: main.getByRole('alert'),
  };
}

// ---------------------------------------------------------------------------

test('an invited candidate answers the experience survey by keyboard, once and anonymously; HR reads the results per unit', async ({ browser, page }) => {
  const suffix = uniqueSuffix();
  const commentText = `Ryddig og vennlig prosess, takk (${suffix}).`;

  // --- 0. The answers keep nothing that leads back to the application ------------------------------
  const columns = sql('PRAGMA table_info(survey_responses)').map((r) => String(r[1]));
  expect(columns).toEqual(expect.arrayContaining(['unit_id', 'outcome', 'month', 'nps', 'informed', 'respect', 'speed', 'comment']));
  expect(
    columns.filter((c) => /application|candidate|posting|invite|token|email|name|user|_at$|time|date|day/i.test(c)),
    `survey_responses must have no column that leads to the candidate (has: ${columns.join(', ')})`,
  ).toEqual([]);
  const references = sql('PRAGMA foreign_key_list(survey_responses)').map((r) => String(r[2]));
  expect(references, 'survey_responses refers only to the unit').toEqual(['org_units']);
  expect(
    sql('PRAGMA table_info(survey_invites)').map((r) => String(r[1])).filter((c) => /answered_at|response/i.test(c)),
    'an invitation keeps no time of the answer and no link to it',
  ).toEqual([]);

  // --- 1. Setup: one rejected application given its final answer two days ago, invited ------------
  const { appId, title, unitId, unitName, link, path: surveyPath } = await inviteOne();
  const { from: periodStart } = defaultPeriod();
  const month = isoDateInDays(0).slice(0, 7);

  // --- 2. The form, without cookies ------------------------------------------------------------------
  const visitor = await newVisitorContext(browser);
  try {
    const v = await visitor.newPage();
    const first = await v.goto(link);
    expect(first?.status()).toBe(200);
    expect(first?.headers()['cache-control']).toBe('private, no-store');
    await expect(v.getByRole('heading', { level: 1 })).toHaveText(TITLE);
    await expect(v.getByRole('main')).toContainText(title);
    await expect(v.getByRole('main')).toContainText('Undersøkelsen er anonym');
    const g = groups(v);
    expect(await g.nps.getByRole('radio').evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).value))).toEqual(
      Array.from({ length: 11 }, (_, i) => String(i)),
    );
    for (const q of [g.informed, g.respect, g.speed]) {
      await expect(q.getByRole('radio')).toHaveCount(5);
      await expect(q.getByRole('radio', { name: '5', exact: true })).toBeVisible();
    }
    await expect(g.nps.getByRole('radio', { name: '10', exact: true })).not.toBeChecked();
    await expect(g.comment).toHaveValue('');
    await checkA11y(v, 'survey form');
    await checkReflow(v, 'survey form');

    // --- 3. Sent with nothing chosen, by keyboard: 422 ------------------------------------------------
    await tabTo(v, g.send, 40);
    let posted = nextPost(v, surveyPath);
    await v.keyboard.press('Enter');
    expect((await posted).status(), 'the survey sent with nothing chosen').toBe(422);
    await expect(g.summary).toBeFocused();
    const summaryLinks = () =>
      g.summary.getByRole('link').evaluateAll((as) => as.map((a) => [(a.textContent || '').trim(), a.getAttribute('href')]));
    expect(await summaryLinks()).toEqual([
      [`${Q_NPS}: ${CHOOSE}`, '#nps'],
      [`${Q_INFORMED}: ${CHOOSE}`, '#informed'],
      [`${Q_RESPECT}: ${CHOOSE}`, '#respect'],
      [`${Q_SPEED}: ${CHOOSE}`, '#speed'],
    ]);
    for (const [id, group] of [['nps', g.nps], ['informed', g.informed], ['respect', g.respect], ['speed', g.speed]] as const) {
      await expect(v.locator(`#${id}-error`)).toHaveText(CHOOSE);
      await expect(group).toHaveAccessibleDescription(new RegExp(escapeRegExp(CHOOSE)));
      await expect(group.getByRole('radio', { checked: true })).toHaveCount(0);
    }
    await checkA11y(v, 'survey sent with nothing chosen (422)');

    // --- 4. The score and the first question by the arrow keys, a comment; two left: 422 ---------------
    // From the focused summary on with Tab (past its four links), not by a link: after a link the
    // address keeps its #fragment and the next 422 does not focus the summary (see the last test).
    await tabIntoRadioGroup(v, g.nps, 6);
    await chooseRadioByKeyboard(v, g.nps, '8');
    await tabIntoRadioGroup(v, g.informed, 2);
    await chooseRadioByKeyboard(v, g.informed, '4');
    await tabTo(v, g.comment, 4); // past the two groups left empty
    await v.keyboard.type(commentText);
    await tabTo(v, g.send, 2);
    posted = nextPost(v, surveyPath);
    await v.keyboard.press('Enter');
    expect((await posted).status(), 'the survey sent with two questions unanswered').toBe(422);
    await expect(g.summary).toBeFocused();
    expect(await summaryLinks()).toEqual([
      [`${Q_RESPECT}: ${CHOOSE}`, '#respect'],
      [`${Q_SPEED}: ${CHOOSE}`, '#speed'],
    ]);
    await expect(g.nps.getByRole('radio', { name: '8', exact: true })).toBeChecked();
    await expect(g.informed.getByRole('radio', { name: '4', exact: true })).toBeChecked();
    await expect(v.locator('#nps-error, #informed-error')).toHaveCount(0);
    await expect(v.locator('#respect-error')).toHaveText(CHOOSE);
    await expect(g.comment).toHaveValue(commentText);
    await checkA11y(v, 'survey sent with two questions unanswered (422)');

    // --- 5. The rest from the summary's first link; sent: 303, the thanks -------------------------------
    await followSummaryLinkInto(v, g.summary.getByRole('link', { name: `${Q_RESPECT}: ${CHOOSE}` }), g.respect);
    await chooseRadioByKeyboard(v, g.respect, '5');
    await tabIntoRadioGroup(v, g.speed, 2);
    await chooseRadioByKeyboard(v, g.speed, '3');
    await tabTo(v, g.send, 3);
    const countBefore = Number(sql('SELECT COUNT(*) FROM survey_responses')[0][0]);
    posted = nextPost(v, surveyPath);
    await v.keyboard.press('Enter');
    const done = await posted;
    expect(done.status(), 'the survey answered').toBe(303);
    expect(new URL(done.headers()['location'], BASE_URL).pathname).toBe(surveyPath);
    await expect(v).toHaveURL(new RegExp(`^${escapeRegExp(link)}(#respect)?$`)); // the fragment of the link followed may stay
    await expect(v.getByRole('heading', { level: 1 })).toHaveText(THANKS);
    await expect(v.getByRole('main')).toContainText('Svaret ditt er registrert. Det er anonymt, og kan ikke endres.');
    await expect(v.getByRole('radio')).toHaveCount(0);
    await checkA11y(v, 'survey answered');

    // The database: one more answer, with the unit, the outcome, the month and the scores only.
    expect(Number(sql('SELECT COUNT(*) FROM survey_responses')[0][0])).toBe(countBefore + 1);
    const saved = sql(`SELECT ${columns.filter((c) => c !== 'id').join(', ')} FROM survey_responses ORDER BY id DESC LIMIT 1`)[0];
    expect(Object.fromEntries(columns.filter((c) => c !== 'id').map((c, i) => [c, saved[i]]))).toEqual({
      unit_id: unitId,
      outcome: 'rejected',
      month,
      nps: 8,
      informed: 4,
      respect: 5,
      speed: 3,
      comment: commentText,
    });
    expect(sql('SELECT answered FROM survey_invites WHERE application_id = ?', [appId])).toEqual([[1]]);
  } finally {
    await visitor.close();
  }

  // --- 6. The link again, in another fresh context: the thanks, no form; made-up: 404; expired: 410 --
  const again = await newVisitorContext(browser);
  try {
    const a = await again.newPage();
    const r = await a.goto(link);
    expect(r?.status()).toBe(200);
    await expect(a.getByRole('heading', { level: 1 })).toHaveText(THANKS);
    await expect(a.getByRole('radio')).toHaveCount(0);
    await expect(a.getByRole('button', { name: SEND })).toHaveCount(0);
    expect((await a.request.get(`/survey/${'0'.repeat(48)}`)).status(), 'an unknown token').toBe(404);

    // An invitation past its 30 days (written to the database as the job does: the token's SHA-256).
    const expiredToken = randomBytes(24).toString('hex');
    const t = Math.floor(Date.now() / 1000);
    sql(
      `INSERT INTO survey_invites (token_hash, application_id, unit_id, outcome, sent_at, expires_at, answered)
       VALUES (?, NULL, ?, 'rejected', ?, ?, 0)`,
      [createHash('sha256').update(expiredToken).digest('hex'), unitId, t - 31 * 86_400, t - 86_400],
    );
    const gone = await a.goto(`/survey/${expiredToken}`);
    expect(gone?.status(), 'an expired invitation').toBe(410);
    await expect(a.getByRole('heading', { level: 1 })).toHaveText('Undersøkelsen er avsluttet');
    await expect(a.getByRole('main')).toContainText('Fristen for å svare på denne undersøkelsen har gått ut.');
    await expect(a.getByRole('radio')).toHaveCount(0);
    await checkA11y(a, 'survey expired (410)');
  } finally {
    await again.close();
  }

  // --- 7. HR: "Søkeropplevelse" -----------------------------------------------------------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page.getByText(`Innlogget som ${HR.name}`)).toBeVisible();
  await page.goto('/admin');
  await activate(page, page.getByRole('main').getByRole('link', { name: RESULTS, exact: true }));
  await expect(page).toHaveURL(/\/admin\/surveys$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(RESULTS);
  await expect(page.getByRole('main')).toContainText('Enheter med færre enn 5 svar i året vises uten tall');
  // The period is a calendar year (never a span of months: two overlapping spans would give a
  // hidden group away by difference), this year to begin with.
  const year = await page.getByLabel('År', { exact: true }).inputValue();
  expect(year).toBe(month.slice(0, 4));
  const [from, to] = [`${year}-01`, `${year}-12`];
  expect(from).toBe(periodStart);

  const table = page.getByRole('table', { name: 'Svar per enhet' });
  await expect(table.getByRole('columnheader')).toHaveText([
    'Enhet', 'Svar', 'Anbefaling (NPS)', 'Informasjon (1–5)', 'Respekt (1–5)', 'Svartid (1–5)',
  ]);
  const expected = expectedTable(from, to);
  const rows = await rowsOf(table);
  expect(rows, 'the results agree with the answers in the database').toEqual(expected);
  expect(rows.at(-1)?.[0]).toBe(ALL_UNITS);
  expect(rows.some((r) => r.length === 6 && r[0] !== ALL_UNITS), 'at least one unit with figures').toBe(true);
  // Where too few answered, one cell says so across the five columns of figures.
  const tooFew = rows.filter((r) => r[1] === TOO_FEW).length;
  const tooFewCells = table.getByRole('cell', { name: TOO_FEW, exact: true });
  await expect(tooFewCells).toHaveCount(tooFew);
  expect(await tooFewCells.evaluateAll((tds) => tds.map((td) => td.getAttribute('colspan')))).toEqual(Array(tooFew).fill('5'));
  // Our answer is counted with its unit; the comment is shown only where five or more answered.
  const ours = rows.filter((r) => r[0] === unitName);
  expect(ours, `one row for ${unitName}`).toHaveLength(1);
  const comments = page.getByRole('region', { name: `Kommentarer: ${unitName}`, exact: true });
  if (ours[0].length === 6) {
    await expect(comments.getByRole('listitem').filter({ hasText: commentText })).toHaveCount(1);
  } else {
    await expect(comments).toHaveCount(0);
    await expect(page.getByRole('main')).not.toContainText(commentText);
  }
  await checkA11y(page, 'admin: survey results');
  await checkReflow(page, 'admin: survey results');

  // A period without answers: the oldest of the ten years offered.
  await page.goto(`/admin/surveys?year=${Number(year) - 9}`);
  await expect(page.getByRole('main')).toContainText('Ingen svar i året.');
  await expect(page.getByRole('table')).toHaveCount(0);
  // A year not offered falls back to this one.
  await page.goto(`/admin/surveys?year=${Number(year) - 15}`);
  await expect(page.getByLabel('År')).toHaveValue(String(year));

  // --- 8. A manager has no link, and is refused -------------------------------------------------------
  const leder = await browser.newContext({ baseURL: BASE_URL, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  try {
    const l = await leder.newPage();
    await passwordLogin(l, ASSESSOR.username, ASSESSOR.password);
    await expect(l.getByText(`Innlogget som ${ASSESSOR.name}`)).toBeVisible();
    await l.goto('/admin');
    await expect(l.getByRole('link', { name: RESULTS, exact: true })).toHaveCount(0);
    const refused = await l.goto('/admin/surveys');
    expect(refused?.status(), 'a manager on /admin/surveys').toBe(403);
  } finally {
    await leder.close();
  }
});

// A defect this spec found, now mended: the survey's <form> had no action, so it posted to the
// page's own address, #fragment included, and after a link in the error summary had been followed
// (/survey/{token}#nps) a second refusal came back at that fragment without focusing the summary.
test('after following a link in the error summary, a second refusal still focuses the summary', async ({ browser }) => {
  const inv = await inviteOne();
  const visitor = await newVisitorContext(browser);
  try {
    const v = await visitor.newPage();
    await v.goto(inv.link);
    const g = groups(v);
    await tabTo(v, g.send, 40);
    let posted = nextPost(v, inv.path);
    await v.keyboard.press('Enter');
    expect((await posted).status()).toBe(422);
    await expect(g.summary).toBeFocused();
    // Follow "…: Velg et tall." to the score, choose it, send with the three questions left.
    await followSummaryLinkInto(v, g.summary.getByRole('link', { name: `${Q_NPS}: ${CHOOSE}` }), g.nps);
    await chooseRadioByKeyboard(v, g.nps, '7');
    await tabTo(v, g.send, 6);
    posted = nextPost(v, inv.path);
    await v.keyboard.press('Enter');
    expect((await posted).status()).toBe(422);
    await expect(g.nps.getByRole('radio', { name: '7', exact: true })).toBeChecked();
    await expect(g.summary.getByRole('link')).toHaveCount(3);
    expect(new URL(v.url()).hash, 'the refused form comes back without a #fragment').toBe('');
    await expect(g.summary).toBeFocused({ timeout: 2_000 });
  } finally {
    await visitor.close();
  }
});
