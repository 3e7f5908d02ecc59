import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  ASSESSOR,
  HR,
  activate,
  applicantRows,
  checkA11y,
  chooseRadioByKeyboard,
  escapeRegExp,
  nextPost,
  newVisitorContext,
  passwordLogin,
  publishedPostings,
  skipToMain,
  tabIntoRadioGroup,
  tabTo,
  uniqueSuffix,
  type ApplicantRow,
} from './helpers';

// Scorecards ("strukturert vurdering", R8), by keyboard (Tab, arrow keys, Space, Enter, typing).
// HR picks the open demo posting with the most applicants that does not screen blind and whose
// ad has a requirement profile with at least two required items (blind.spec.ts and
// pipeline.spec.ts take the ones with the fewest), and in it the newest applicant still in the
// running, whom no other spec touches. From the applicant list (which links to "Alle vurderinger i
// saken") HR opens the application and, in its section "Strukturert vurdering", "Vurder søkeren":
// one fieldset per item of the profile ("Krav, vekt N" / "Ønskelig, vekt N", 1–5 and "Ikke
// vurdert"), "Samlet anbefaling" and "Samlet begrunnelse"; the form reflows at 320 CSS px. HR
// scores the first required item 2 with a note, writes an overall note and sends the card in
// half-filled: 422, the error summary (focused) names every other required item and the missing
// recommendation, everything typed is kept. From the summary's link HR scores the next required
// item, "Lagre utkast" (→ ?saved=1, "Utkastet ble lagret …"), loads the page again and finds the
// draft as left, chooses "Nei" and sends it in: "Du sendte inn vurderingen din …" and the panel with
// HR's column only. HR's "Vurderinger" page for the posting shows "0 ja, 1 nei".
// In a second browser context Lars Leder (a manager) opens the same card through the application
// page: no trace of HR's scores, name or notes; his "Vurderinger" page says "Vises når du har
// sendt inn din vurdering". He scores the first required item 5, the rest 3, "Klart ja", and sends
// in: both columns, mean "3,5" and range "2,0–5,0" with "Uenighet" on the first item, the weighted
// score, "Delt anbefaling", and under "Begrunnelser" HR's notes; the panel reflows at 320 CSS px
// (only the table's region scrolls sideways). His "Vurderinger" page and then HR's show the
// weighted mean and range, "1 ja, 1 nei" and "Uenighet". axe-core (WCAG 2.1 A/AA) runs on every
// page visited, the refused card included.

const SCORES = ['1 – oppfyller ikke', '2 – oppfyller i liten grad', '3 – oppfyller', '4 – oppfyller godt', '5 – oppfyller svært godt', 'Ikke vurdert'];
const RECOMMENDATIONS = ['Klart ja', 'Ja', 'Nei', 'Klart nei'];
const REQUIRED_MISSING = 'Dette er et krav og må vurderes før du sender inn.';
const RECOMMENDATION_MISSING = 'Velg en samlet anbefaling før du sender inn.';
const HIDDEN_UNTIL_YOURS = 'Vises når du har sendt inn din vurdering eller valgt å ikke vurdere';
const PANEL_CAPTION = 'Poeng per kriterium og vurderer (1–5)';
const SCORES_CAPTION = 'Søkere med innsendte vurderinger';

/** One item of the ad's requirement profile, as the card shows it. */
interface Criterion { item: number; text: string; required: boolean; weight: number }

/** The criteria on an open card: one fieldset per item, its legend and "Krav, vekt 5". */
async function cardCriteria(page: Page): Promise<Criterion[]> {
  return page.locator('main form fieldset[id^="score-"]').evaluateAll((sets) =>
    sets.map((fs) => {
      const hint = (fs.querySelector('p.hint')?.textContent || '').trim();
      const m = /^(Krav|Ønskelig), vekt (\d)$/.exec(hint);
      return {
        item: Number(fs.id.replace('score-', '')),
        text: (fs.querySelector('legend')?.textContent || '').trim(),
        required: m?.[1] === 'Krav',
        weight: m ? Number(m[2]) : NaN,
      };
    }),
  );
}

/** The fieldset of one criterion, by its legend. */
function criterionGroup(page: Page, c: Criterion): Locator {
  return page.getByRole('main').getByRole('group', { name: c.text, exact: true });
}

/** The criterion's note field ("Begrunnelse (valgfritt)", named with the criterion). */
function criterionNote(page: Page, c: Criterion): Locator {
  return page.getByLabel(`Begrunnelse (valgfritt): ${c.text}`, { exact: true });
}

/** The labels of the radio buttons in a group, and the one checked. */
async function radios(group: Locator): Promise<{ labels: string[]; checked: string[] }> {
  return group.locator('input[type=radio]').evaluateAll((els) => {
    const label = (el: Element) => ((el as HTMLInputElement).labels?.[0]?.textContent || '').trim();
    return {
      labels: els.map(label),
      checked: els.filter((el) => (el as HTMLInputElement).checked).map(label),
    };
  });
}

/** A table's rows as text, cell by cell (header cells included). */
async function tableText(table: Locator, part: 'thead' | 'tbody'): Promise<string[][]> {
  return table.locator(`${part} tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').replace(/\s+/g, ' ').trim())),
  );
}

/** "3,5" → 3.5. */
function decimal(s: string): number {
  return Number(s.replace(',', '.'));
}

/** The weighted score of one card: Σ weight × score / Σ weight over the criteria scored. */
function weighted(criteria: Criterion[], scores: Map<number, number>): number {
  let sum = 0;
  let weights = 0;
  for (const c of criteria) {
    const s = scores.get(c.item);
    if (s === undefined) continue;
    sum += c.weight * s;
    weights += c.weight;
  }
  return sum / weights;
}

/** At 320 CSS px wide the page does not scroll sideways (a table's own region may). */
async function checkReflow(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  expect.soft(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: scrollWidth at 320px`).toBeLessThanOrEqual(320);
  const sticking = await page.evaluate(() =>
    [...document.querySelectorAll('main *')]
      .filter((el) => !el.closest('.table-wrap') && !el.closest('.visually-hidden') && el.getBoundingClientRect().right > 320.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}: ${(el.textContent || '').trim().slice(0, 40)}`),
  );
  expect.soft(sticking, `${what}: nothing outside a table's region reaches past 320px`).toEqual([]);
  await checkA11y(page, `${what} at 320 px`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * From /admin, the published posting with the most applicants that does not screen blind and
 * whose ad has at least two required items and one desired; in it, the newest applicant on the
 * first page of the list who has not withdrawn or been rejected. Left on the applicant list.
 */
async function pickApplicant(page: Page): Promise<{ postingId: string; applicant: ApplicantRow; criteria: Criterion[] }> {
  const postings = (await publishedPostings(page)).reverse();
  for (const p of postings) {
    const listPath = `${p.href}/applicants`;
    await page.goto(listPath);
    if (await page.locator('main p.notice').filter({ hasText: /^Anonym vurdering:/ }).count()) continue;
    const applicant = (await applicantRows(page))
      .filter((r) => r.stage !== 'Trukket' && r.stage !== 'Avslått' && !/^Søker \d+$/.test(r.name))
      .pop();
    if (!applicant) continue;
    await page.goto(`/admin/applications/${applicant.id}/scorecard`);
    const criteria = await cardCriteria(page);
    if (criteria.filter((c) => c.required).length < 2 || !criteria.some((c) => !c.required)) continue;
    await page.goto(listPath);
    return { postingId: p.href.split('/').pop()!, applicant, criteria };
  }
  throw new Error('no published posting on /admin that does not screen blind, with an applicant and a requirement profile (two required items, one desired)');
}

test('two assessors score an applicant against the requirement profile, each blind to the other until their own card is sent in', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const hrItemNote = `Autorisasjonen er søkt, men ikke gitt ennå (${suffix}).`;
  const hrNote = `Lite erfaring med pasientgruppen; svarte vagt om turnus (${suffix}).`;
  const larsNote = `Overbevisende i samtalen, sterke referanser (${suffix}).`;

  // --- 1. HR: the posting, the applicant, and the card from the application page -------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  const { postingId, applicant, criteria } = await pickApplicant(page);
  const postingPath = `/admin/postings/${postingId}`;
  const listPath = `${postingPath}/applicants`;
  const scoresPath = `${postingPath}/scores`;
  const appPath = `/admin/applications/${applicant.id}`;
  const cardPath = `${appPath}/scorecard`;
  const required = criteria.filter((c) => c.required);
  const [first, second] = required;
  const desired = criteria.filter((c) => !c.required);

  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}$`));
  await expect(page.getByRole('main').getByRole('link', { name: 'Alle vurderinger for stillingen', exact: true })).toHaveAttribute('href', scoresPath);
  await checkA11y(page, 'admin: applicants with the link to the scores');
  await activate(page, page.getByRole('main').getByRole('link', { name: applicant.name, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(applicant.name);
  const section = page.getByRole('region', { name: 'Strukturert vurdering' });
  await expect(section.getByRole('heading', { level: 2, name: 'Strukturert vurdering' })).toBeVisible();
  await expect(section.getByRole('link', { name: 'Alle vurderinger for stillingen', exact: true })).toHaveAttribute('href', scoresPath);
  await checkA11y(page, 'admin: an application with the section "Strukturert vurdering"');
  await activate(page, section.getByRole('link', { name: 'Vurder søkeren', exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));

  // The card: the profile item by item, the recommendation, the overall note and two buttons.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Vurdering: ${applicant.name}`);
  await expect(page.getByText('Annonsen har ingen kravprofil')).toHaveCount(0);
  expect(criteria.map((c) => c.item), 'the items numbered from 1 in order').toEqual(criteria.map((_, i) => i + 1));
  for (const c of criteria) {
    expect(c.weight, `"${c.text}" has a weight 1–5`).toBeGreaterThanOrEqual(1);
    const group = criterionGroup(page, c);
    await expect(group.locator('p.hint')).toHaveText(`${c.required ? 'Krav' : 'Ønskelig'}, vekt ${c.weight}`);
    expect(await radios(group), `"${c.text}": 1–5 and "Ikke vurdert", not yet assessed`).toEqual({ labels: SCORES, checked: ['Ikke vurdert'] });
    await expect(group.locator(`input[type=radio]`).first()).toHaveAttribute('name', `score-${c.item}`);
    await expect(criterionNote(page, c)).toHaveAttribute('name', `note-${c.item}`);
    await expect(criterionNote(page, c)).toHaveValue('');
  }
  const recommendation = page.getByRole('main').getByRole('group', { name: 'Samlet anbefaling', exact: true });
  expect(await radios(recommendation)).toEqual({ labels: RECOMMENDATIONS, checked: [] });
  const note = page.getByLabel('Samlet begrunnelse', { exact: true });
  await expect(note).toHaveAttribute('id', 'note');
  const submit = page.getByRole('button', { name: 'Send inn vurderingen', exact: true });
  const save = page.getByRole('button', { name: 'Lagre utkast', exact: true });
  await expect(submit).toBeVisible();
  await expect(save).toBeVisible();
  const abstain = page.getByRole('region', { name: 'Se vurderingene uten å vurdere selv' });
  await expect(abstain.getByRole('button', { name: 'Se vurderingene uten å vurdere', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Panelets vurderinger' })).toHaveCount(0);
  await checkA11y(page, 'admin: an open scorecard');
  await checkReflow(page, 'admin: an open scorecard');

  // --- 2. sent in half-filled: refused, everything kept ----------------------------------------------
  await skipToMain(page);
  await tabIntoRadioGroup(page, criterionGroup(page, first), 10);
  await chooseRadioByKeyboard(page, criterionGroup(page, first), '2 – oppfyller i liten grad');
  await page.keyboard.press('Tab');
  await expect(criterionNote(page, first)).toBeFocused();
  await page.keyboard.type(hrItemNote);
  await tabTo(page, note, 4 * criteria.length + 4);
  await page.keyboard.type(hrNote);
  await tabTo(page, submit, 2);
  let posted = nextPost(page, cardPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'a card sent in half-filled').toBe(422);
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Skjemaet har feil som må rettes');
  await expect(summary.getByRole('link')).toHaveText([
    ...required.slice(1).map((c) => `${c.text}: ${REQUIRED_MISSING}`),
    `Samlet anbefaling: ${RECOMMENDATION_MISSING}`,
  ]);
  for (const c of required.slice(1)) {
    await expect(criterionGroup(page, c).locator('.field-error')).toHaveText(REQUIRED_MISSING);
    await expect(criterionGroup(page, c)).toHaveAttribute('aria-describedby', `score-${c.item}-hint score-${c.item}-error`);
  }
  await expect(criterionGroup(page, first).locator('.field-error')).toHaveCount(0);
  for (const c of desired) await expect(criterionGroup(page, c).locator('.field-error'), 'a desired item may be left out').toHaveCount(0);
  await expect(recommendation.locator('.field-error')).toHaveText(RECOMMENDATION_MISSING);
  expect((await radios(criterionGroup(page, first))).checked, 'the score given is kept').toEqual(['2 – oppfyller i liten grad']);
  await expect(criterionNote(page, first)).toHaveValue(hrItemNote);
  await expect(note).toHaveValue(hrNote);
  expect((await radios(recommendation)).checked).toEqual([]);
  await expect(page.getByText('Du sendte inn vurderingen din')).toHaveCount(0);
  await checkA11y(page, 'admin: a scorecard sent in half-filled (422)');

  // The summary's link leads to the second required item; Tab enters its group.
  await tabTo(page, summary.getByRole('link', { name: `${second.text}: ${REQUIRED_MISSING}`, exact: true }), 2);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#score-${second.item}$`));
  await tabIntoRadioGroup(page, criterionGroup(page, second), 1);
  await chooseRadioByKeyboard(page, criterionGroup(page, second), '3 – oppfyller');
  // Any further required item, 3 as well (the demo's profiles have two or three).
  for (const c of required.slice(2)) {
    await tabIntoRadioGroup(page, criterionGroup(page, c), 6);
    await chooseRadioByKeyboard(page, criterionGroup(page, c), '3 – oppfyller');
  }

  // --- 3. a draft, kept -------------------------------------------------------------------------------
  await tabTo(page, save, 4 * criteria.length + 6);
  posted = nextPost(page, cardPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'a draft').toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}\\?saved=1$`));
  await expect(page.getByRole('status').filter({ hasText: 'Utkastet' })).toHaveText(/^Utkastet ble lagret .+\.$/);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await checkA11y(page, 'admin: a scorecard saved as a draft');

  await page.goto(cardPath);
  await expect(page.getByRole('status').filter({ hasText: 'Utkastet' })).toHaveCount(0);
  const hrScores = new Map<number, number>([[first.item, 2], ...required.slice(1).map((c) => [c.item, 3] as [number, number])]);
  for (const c of criteria) {
    const s = hrScores.get(c.item);
    expect((await radios(criterionGroup(page, c))).checked, `the draft's score for "${c.text}"`).toEqual([s === undefined ? 'Ikke vurdert' : SCORES[s - 1]]);
  }
  await expect(criterionNote(page, first)).toHaveValue(hrItemNote);
  await expect(note).toHaveValue(hrNote);
  expect((await radios(recommendation)).checked).toEqual([]);
  await checkA11y(page, 'admin: a scorecard with a draft');

  // --- 4. HR sends the card in: "Nei" ----------------------------------------------------------------
  await skipToMain(page);
  await tabIntoRadioGroup(page, recommendation, 4 * criteria.length + 6);
  await chooseRadioByKeyboard(page, recommendation, 'Nei');
  await tabTo(page, submit, 3);
  posted = nextPost(page, cardPath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'the card sent in').toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));
  await expect(page.getByText(/^Du sendte inn vurderingen din .+\.$/)).toBeVisible();
  await expect(page.getByRole('main').locator('form')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send inn vurderingen' })).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2, name: 'Panelets vurderinger' })).toBeVisible();
  const grid = page.getByRole('table', { name: PANEL_CAPTION });
  expect(await tableText(grid, 'thead'), 'HR alone, so far').toEqual([['Kriterium', HR.name, 'Snitt', 'Spenn']]);
  await expect(grid.locator('tbody tr').last()).toHaveText(/^Samlet anbefaling\s*Nei\s*$/);
  await expect(page.getByRole('region', { name: HR.name })).toContainText(hrNote);
  await expect(page.getByRole('main')).not.toContainText(ASSESSOR.name);
  await checkA11y(page, 'admin: a scorecard sent in (HR alone)');

  await activate(page, page.getByRole('main').getByRole('link', { name: 'Alle vurderinger for stillingen', exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(scoresPath)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vurderinger');
  const scoresRow = (p: Page) => p.getByRole('table', { name: SCORES_CAPTION }).locator('tbody tr').filter({ has: p.locator(`a[href="${cardPath}"]`) });
  await expect(scoresRow(page)).toHaveCount(1);
  const hrAlone = (await tableText(page.getByRole('table', { name: SCORES_CAPTION }), 'tbody')).find((r) => r[0] === applicant.name);
  const hrWeighted = weighted(criteria, hrScores);
  expect(hrAlone?.slice(1, 3)).toEqual(['1', 'Sendt inn']);
  expect(Math.abs(decimal(hrAlone![3]) - hrWeighted), `HR's weighted score ${hrWeighted} (page: ${hrAlone![3]})`).toBeLessThan(0.051);
  expect(hrAlone?.slice(4)).toEqual(['–', '0 ja, 1 nei']);
  await checkA11y(page, 'admin: the posting\'s scores (HR\'s card only)');

  // --- 5. Lars Leder, in his own browser: nothing of HR's before his own card is in -------------------
  const larsContext = await newVisitorContext(browser);
  try {
    const lars = await larsContext.newPage();
    await passwordLogin(lars, ASSESSOR.username, ASSESSOR.password);
    await expect(lars).toHaveURL(/\/admin\/?$/);
    await expect(lars.getByText(`Innlogget som ${ASSESSOR.name}`)).toBeVisible();
    await lars.goto(appPath);
    await expect(lars.getByRole('heading', { level: 1 })).toHaveText(applicant.name);
    await checkA11y(lars, 'admin: the application, as the second assessor');
    await activate(lars, lars.getByRole('region', { name: 'Strukturert vurdering' }).getByRole('link', { name: 'Alle vurderinger for stillingen', exact: true }));
    await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(scoresPath)}$`));
    const closed = (await tableText(lars.getByRole('table', { name: SCORES_CAPTION }), 'tbody')).find((r) => r[0] === applicant.name);
    expect(closed, 'one card in, its scores hidden').toEqual([applicant.name, '1', 'Ikke påbegynt', HIDDEN_UNTIL_YOURS]);
    for (const hidden of [HR.name, '0 ja, 1 nei', hrNote]) await expect(lars.getByRole('main')).not.toContainText(hidden);
    await checkA11y(lars, 'admin: the posting\'s scores, hidden until the second assessor\'s own card');

    await activate(lars, scoresRow(lars).getByRole('link', { name: applicant.name, exact: true }));
    await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));
    await expect(lars.getByRole('heading', { level: 1 })).toHaveText(`Vurdering: ${applicant.name}`);
    const main = lars.getByRole('main');
    for (const hidden of [HR.name, hrNote, hrItemNote]) await expect(main, 'nothing of HR\'s card').not.toContainText(hidden);
    await expect(lars.getByRole('table', { name: PANEL_CAPTION })).toHaveCount(0);
    await expect(lars.getByRole('heading', { name: 'Panelets vurderinger' })).toHaveCount(0);
    for (const c of criteria) {
      expect((await radios(criterionGroup(lars, c))).checked, `an empty card ("${c.text}")`).toEqual(['Ikke vurdert']);
      await expect(criterionNote(lars, c)).toHaveValue('');
    }
    const larsRecommendation = lars.getByRole('main').getByRole('group', { name: 'Samlet anbefaling', exact: true });
    expect((await radios(larsRecommendation)).checked).toEqual([]);
    await expect(lars.getByLabel('Samlet begrunnelse', { exact: true })).toHaveValue('');
    await checkA11y(lars, 'admin: an open scorecard, as the second assessor');

    // He scores the first required item 5, the rest of the required ones 3, "Klart ja".
    const larsScores = new Map<number, number>([[first.item, 5], ...required.slice(1).map((c) => [c.item, 3] as [number, number])]);
    await skipToMain(lars);
    for (const c of required) {
      await tabIntoRadioGroup(lars, criterionGroup(lars, c), 8);
      await chooseRadioByKeyboard(lars, criterionGroup(lars, c), SCORES[larsScores.get(c.item)! - 1]);
    }
    await tabIntoRadioGroup(lars, larsRecommendation, 4 * criteria.length + 4);
    await chooseRadioByKeyboard(lars, larsRecommendation, 'Klart ja');
    await lars.keyboard.press('Tab');
    await expect(lars.getByLabel('Samlet begrunnelse', { exact: true })).toBeFocused();
    await lars.keyboard.type(larsNote);
    await tabTo(lars, lars.getByRole('button', { name: 'Send inn vurderingen', exact: true }), 3);
    posted = nextPost(lars, cardPath);
    await lars.keyboard.press('Enter');
    expect((await posted).status(), 'the second card sent in').toBe(303);
    await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));
    await expect(lars.getByText(/^Du sendte inn vurderingen din .+\.$/)).toBeVisible();

    // The panel: both columns, the spread and where they disagree.
    const panel = lars.getByRole('table', { name: PANEL_CAPTION });
    expect(await tableText(panel, 'thead')).toEqual([['Kriterium', HR.name, ASSESSOR.name, 'Snitt', 'Spenn']]);
    const body = await tableText(panel, 'tbody');
    const label = (c: Criterion) => `${c.text} (${c.required ? 'Krav' : 'Ønskelig'}, vekt ${c.weight})`;
    expect(body.find((r) => r[0] === label(first)), 'the first required item: 2 and 5, far apart').toEqual([label(first), '2', '5', '3,5', '2,0–5,0 Uenighet']);
    for (const c of required.slice(1)) expect(body.find((r) => r[0] === label(c)), `"${c.text}": both 3`).toEqual([label(c), '3', '3', '3,0', '3,0–3,0']);
    for (const c of desired) expect(body.find((r) => r[0] === label(c)), `"${c.text}": not assessed`).toEqual([label(c), '–', '–', '–', '–']);
    const larsWeighted = weighted(criteria, larsScores);
    const w = body.find((r) => r[0] === 'Vektet poengsum');
    expect(w, 'the row "Vektet poengsum"').toBeTruthy();
    const near = (shown: string, x: number, what: string) => expect(Math.abs(decimal(shown) - x), `${what}: ${x} (page: "${shown}")`).toBeLessThan(0.051);
    near(w![1], hrWeighted, 'HR\'s weighted score');
    near(w![2], larsWeighted, 'Lars\'s weighted score');
    near(w![3], (hrWeighted + larsWeighted) / 2, 'the mean weighted score');
    const [lo, hi] = w![4].replace(/ Uenighet$/, '').split('–');
    near(lo, hrWeighted, 'the weighted range from');
    near(hi, larsWeighted, 'the weighted range to');
    expect(w![4].endsWith('Uenighet'), 'the weighted scores flagged when 2 or more apart').toBe(larsWeighted - hrWeighted >= 2 - 1e-9);
    expect(body[body.length - 1]).toEqual(['Samlet anbefaling', 'Nei', 'Klart ja', 'Delt anbefaling']);
    await expect(lars.getByRole('main')).toContainText('«Uenighet» betyr at vurderingene ligger 2 poeng eller mer fra hverandre');

    await expect(lars.getByRole('heading', { level: 2, name: 'Begrunnelser' })).toBeVisible();
    const hrWritten = lars.getByRole('region', { name: HR.name, exact: true });
    await expect(hrWritten.locator('p').first()).toHaveText(new RegExp(`^${escapeRegExp(HR.name)}: Nei \\(.+\\)$`));
    await expect(hrWritten).toContainText(hrNote);
    await expect(hrWritten.getByRole('term')).toHaveText([first.text]);
    await expect(hrWritten.getByRole('definition')).toHaveText([hrItemNote]);
    const larsWritten = lars.getByRole('region', { name: ASSESSOR.name, exact: true });
    await expect(larsWritten.locator('p').first()).toHaveText(new RegExp(`^${escapeRegExp(ASSESSOR.name)}: Klart ja \\(.+\\)$`));
    await expect(larsWritten).toContainText(larsNote);
    await checkA11y(lars, 'admin: the panel of two');
    await checkReflow(lars, 'admin: the panel of two');

    // His "Vurderinger": the scores open now.
    await activate(lars, lars.getByRole('main').getByRole('link', { name: 'Alle vurderinger for stillingen', exact: true }));
    await expect(lars).toHaveURL(new RegExp(`${escapeRegExp(scoresPath)}$`));
    const open = (await tableText(lars.getByRole('table', { name: SCORES_CAPTION }), 'tbody')).find((r) => r[0] === applicant.name);
    expect(open?.slice(0, 3)).toEqual([applicant.name, '2', 'Sendt inn']);
    near(open![3], (hrWeighted + larsWeighted) / 2, 'the weighted mean on "Vurderinger"');
    expect(open![4]).toMatch(/^\d+,\d–\d+,\d$/);
    expect(open![5]).toBe('1 ja, 1 nei Uenighet');
    await expect(lars.getByRole('main')).not.toContainText(HIDDEN_UNTIL_YOURS);
    await checkA11y(lars, 'admin: the posting\'s scores, as the second assessor');
    await checkReflow(lars, 'admin: the posting\'s scores');
  } finally {
    await larsContext.close();
  }

  // --- 6. HR's "Vurderinger" and card show both now ----------------------------------------------------
  await page.reload();
  const both = (await tableText(page.getByRole('table', { name: SCORES_CAPTION }), 'tbody')).find((r) => r[0] === applicant.name);
  expect(both?.slice(0, 3)).toEqual([applicant.name, '2', 'Sendt inn']);
  expect(both![5]).toBe('1 ja, 1 nei Uenighet');
  await checkA11y(page, 'admin: the posting\'s scores with two cards');
  await activate(page, scoresRow(page).getByRole('link', { name: applicant.name, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(cardPath)}$`));
  expect(await tableText(page.getByRole('table', { name: PANEL_CAPTION }), 'thead')).toEqual([['Kriterium', HR.name, ASSESSOR.name, 'Snitt', 'Spenn']]);
  await expect(page.getByRole('region', { name: ASSESSOR.name, exact: true })).toContainText(larsNote);
  await checkA11y(page, 'admin: the panel of two, as HR');
});
