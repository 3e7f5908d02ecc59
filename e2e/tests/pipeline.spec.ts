import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  HR,
  activate,
  applicantRows,
  checkA11y,
  chooseOptionByKeyboard,
  escapeRegExp,
  fact,
  nextPost,
  passwordLogin,
  publishedPostings,
  retypeFocused,
  skipToMain,
  stageCounts,
  tabTo,
  uniqueSuffix,
  waitForMail,
} from './helpers';

// The pipeline of a posting's applicants (R6), by keyboard alone (Tab, Space, Enter, arrow keys,
// typing). HR opens an open demo posting with applicants in "Mottatt", follows "Se og behandle
// søkerne", checks the counts per stage and the table with one column per screening question,
// filters by a name and by stage, and checks the list at 320 CSS px. HR picks two applicants
// with Space and rejects them with the template "Avslag etter første vurdering": a typo'd
// placeholder ({navn}) is refused with the text kept, the fixed message goes out, and each of the
// two gets it by e-mail in bokmål. The rejected applicant's page shows the history, the message
// and no way to move them further. A third applicant is moved to "Vurdering" from their own page
// without a message. On the stages page HR adds "Faglig vurdering" between two stages, and may not
// remove "Vurdering" while the third applicant stands in it. The posting, its deadline not
// passed, offers no "Avslutt saken". "Søk i søknader" (/admin/search) finds the first applicant by
// family name and given name. axe-core (WCAG 2.1 A/AA) runs on every page visited, error states
// included. A second test adds a stage before "Vurdering" and sees no one move.

/** "1 søker" or "n søkere", as the app counts applicants. */
function applicants(n: number): string {
  return n === 1 ? '1 søker' : `${n} søkere`;
}

/** The candidate's e-mail address, as the application page shows it (read, not clicked). */
async function emailOf(page: Page, id: string): Promise<string> {
  const html = await (await page.request.get(`/admin/applications/${id}`)).text();
  const m = /<dt>E-post<\/dt><dd>([^<]+)<\/dd>/.exec(html);
  expect(m, `application ${id} shows an e-mail address`).toBeTruthy();
  return m![1].trim();
}

/** The fieldset on the stages page whose "Navn på bokmål" holds `name`. */
async function stageGroup(page: Page, name: string): Promise<Locator> {
  const groups = page.locator('fieldset.row-group');
  for (let i = 0; i < (await groups.count()); i++) {
    if ((await groups.nth(i).getByLabel('Navn på bokmål', { exact: true }).inputValue()) === name) return groups.nth(i);
  }
  throw new Error(`no stage named "${name}" on the stages page`);
}

/** From /admin, opens the published posting with the fewest applicants whose counts per stage `fit`. */
async function openPosting(page: Page, fit: (counts: Map<string, number>) => boolean, what: string): Promise<{ id: string; title: string }> {
  // The fewest applicants that will do: fewer Tab stops.
  for (const p of await publishedPostings(page)) {
    await activate(page, page.locator(`main table a[href="${p.href}"]`));
    await expect(page).toHaveURL(new RegExp(`${escapeRegExp(p.href)}$`));
    if (fit(await stageCounts(page))) {
      return { id: p.href.split('/').pop()!, title: (await page.getByRole('heading', { level: 1 }).innerText()).trim() };
    }
    await page.goBack();
  }
  throw new Error(`no published posting on /admin with ${what}`);
}

test('HR filters the applicants, rejects two with a message, moves one, and changes the stages', async ({ page }) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const reason = `Oppfyller ikke kravene til erfaring (${suffix}).`;
  const moveReason = `Sterk søknad, videre til vurdering (${suffix}).`;
  const questions = ['Har du norsk autorisasjon for yrket?', 'Hvor mange års relevant erfaring har du?'];

  // --- 1. the posting, its counts, and the list of applicants ---------------------------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  const posting = await openPosting(page, (c) => (c.get('Mottatt') ?? 0) >= 3, 'three applicants in "Mottatt"');
  const postingPath = `/admin/postings/${posting.id}`;
  const listPath = `${postingPath}/applicants`;
  const before = await stageCounts(page);
  expect([...before.keys()].slice(0, 2)).toEqual(['Mottatt', 'Vurdering']);
  await expect(page.getByRole('link', { name: 'Steg og svarfrist for søkerne' })).toHaveAttribute('href', `${postingPath}/stages`);
  await checkA11y(page, 'admin: posting with its counts per stage');

  await activate(page, page.getByRole('link', { name: 'Se og behandle søkerne' }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Søkere' })).toBeVisible();
  expect(await stageCounts(page), 'the list counts as the posting page does').toEqual(before);
  const total = [...before.values()].reduce((a, b) => a + b, 0);
  const countLine = page.getByRole('status').filter({ hasText: 'passer med filteret' });
  await expect(countLine).toHaveText(`${applicants(total)} passer med filteret`);
  const table = page.getByRole('table', { name: 'Søkerne med steg, ventetid og svar på spørsmålene' });
  for (const q of questions) await expect(table.getByRole('columnheader', { name: q, exact: true })).toBeVisible();
  const all = await applicantRows(page);
  expect(all).toHaveLength(Math.min(total, 50));
  for (const r of all.filter((x) => x.stage !== 'Avslått' && x.stage !== 'Trukket')) {
    const days = /^(\d+) (dag|dager)\b/.exec(r.waiting);
    expect(days, `time in stage of ${r.name}: "${r.waiting}"`).toBeTruthy();
    expect(days![2], `"${r.waiting}": "1 dag", else "n dager"`).toBe(days![1] === '1' ? 'dag' : 'dager');
  }
  // Oldest first: the demo's own applicants come before any another spec may have added today.
  const [a, b, c] = all.filter((r) => r.stage === 'Mottatt');
  expect(c, 'three applicants in "Mottatt"').toBeTruthy();
  await checkA11y(page, 'admin: applicants');

  // Filter by a word of one applicant's name (the search also reads e-mail, form and CV text, so
  // others may match too).
  const word = a.name.split(' ').pop()!;
  const search = page.getByRole('search', { name: 'Filtrer søkerne' }).getByLabel('Søk i navn, e-post, skjema, CV og vedlegg', { exact: true });
  await skipToMain(page);
  await tabTo(page, search, 20);
  await page.keyboard.type(word);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`\\?q=${escapeRegExp(encodeURIComponent(word))}`));
  const found = await applicantRows(page);
  expect(found.map((r) => r.name)).toContain(a.name);
  expect(found.length, 'the search narrows the list').toBeLessThan(total);
  await expect(countLine).toHaveText(`${applicants(found.length)} passer med filteret`);
  await expect(search).toHaveValue(word);
  await checkA11y(page, 'admin: applicants found by name');

  // The search emptied, the stage "Mottatt" chosen with the arrow keys.
  const stageSelect = page.getByLabel('Steg', { exact: true });
  await search.focus();
  await retypeFocused(page, '');
  await page.keyboard.press('Tab');
  await chooseOptionByKeyboard(page, stageSelect, 'Mottatt');
  await tabTo(page, page.getByRole('button', { name: 'Filtrer søkerne' }), 4);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]stage=1(&|$)/);
  await expect(stageSelect).toHaveValue('1');
  const received = await applicantRows(page);
  expect(received.length).toBe(Math.min(before.get('Mottatt')!, 50));
  for (const r of received) expect(r.stage).toBe('Mottatt');
  expect(received.slice(0, 3).map((r) => r.name)).toEqual([a.name, b.name, c.name]);
  await expect(countLine).toHaveText(`${applicants(before.get('Mottatt')!)} passer med filteret`);
  await checkA11y(page, 'admin: applicants in "Mottatt"');

  // Reflow at 320 CSS px: only the table's own region scrolls sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the list: scrollWidth at 320px').toBeLessThanOrEqual(320);
  await checkA11y(page, 'admin: applicants at 320 px');
  await page.setViewportSize({ width: 1280, height: 800 });

  // --- 2. two applicants rejected with a message --------------------------------------------------
  const [emailA, emailB] = [await emailOf(page, a.id), await emailOf(page, b.id)];
  await skipToMain(page);
  await tabTo(page, page.getByRole('checkbox', { name: `Velg ${a.name}`, exact: true }), 40);
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('checkbox', { name: `Velg ${b.name}`, exact: true }), 3);
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(2);
  const bulk = page.getByRole('group', { name: 'Flytt eller gi svar til de valgte' });
  await tabTo(page, bulk.getByLabel('Flytt til', { exact: true }), 2 * received.length + 4);
  await chooseOptionByKeyboard(page, bulk.getByLabel('Flytt til', { exact: true }), 'Avslag (endelig svar)');
  await page.keyboard.press('Tab');
  await chooseOptionByKeyboard(page, bulk.getByLabel('Meldingsmal', { exact: true }), /^Avslag etter første vurdering/);
  await tabTo(page, bulk.getByRole('button', { name: 'Gå videre' }), 2);
  await page.keyboard.press('Enter');

  const movePath = `${listPath}/move`;
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(movePath)}\\?ids=${a.id}&ids=${b.id}&target=reject&template=reject_screening$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Flytt søkere og send melding' })).toBeVisible();
  const chosen = page.getByRole('table', { name: 'Valgte søkere' }).locator('tbody tr');
  await expect(chosen).toHaveText([`${a.name}Mottatt`, `${b.name}Mottatt`]);
  const nbSubject = page.getByLabel('Emne på bokmål', { exact: true });
  const nbBody = page.getByLabel('Melding på bokmål', { exact: true });
  await expect(nbSubject).toHaveValue('Svar på søknaden din: {title}');
  await expect(nbBody).toHaveValue(/^Hei, \{name\}\.\n/);
  await expect(page.getByLabel('Emne på engelsk', { exact: true })).toHaveValue('About your application: {title}');
  await checkA11y(page, 'admin: move page (rejection, template filled in)');

  // First with a placeholder that does not exist.
  await skipToMain(page);
  await tabTo(page, page.getByLabel('Begrunnelse', { exact: true }), 10);
  await page.keyboard.type(reason);
  await tabTo(page, nbBody, 3);
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('\n\nLykke til videre, {navn}');
  await tabTo(page, page.getByRole('button', { name: 'Send avslag' }), 4);
  let posted = nextPost(page, movePath);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'an unknown placeholder').toBe(422);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('ukjent plassholder');
  await expect(summary).toBeFocused();
  await expect(nbBody).toHaveAttribute('aria-invalid', 'true');
  await expect(nbBody).toHaveValue(/\n\nLykke til videre, \{navn\}$/);
  await expect(page.getByLabel('Begrunnelse', { exact: true })).toHaveValue(reason);
  await expect(chosen).toHaveCount(2);
  await checkA11y(page, 'admin: move page with an unknown placeholder (422)');

  // The summary's link leads to the message; {navn} becomes {name}.
  await tabTo(page, summary.getByRole('link', { name: /^Melding på bokmål: / }), 2);
  await page.keyboard.press('Enter');
  await expect(nbBody).toBeFocused();
  await page.keyboard.press('ControlOrMeta+End');
  for (let i = 0; i < '{navn}'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('{name}');
  await tabTo(page, page.getByRole('button', { name: 'Send avslag' }), 4);
  posted = nextPost(page, movePath);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}\\?moved=2&refused=0$`));
  await expect(page.getByRole('status').filter({ hasText: 'er flyttet' })).toHaveText(/^2 søkere er flyttet\.$/);
  const afterReject = await stageCounts(page);
  expect(afterReject.get('Mottatt')).toBe(before.get('Mottatt')! - 2);
  expect(afterReject.get('Avslått')).toBe(before.get('Avslått')! + 2);
  await checkA11y(page, 'admin: applicants after the rejection');

  // Each of the two gets the filled-in message, in bokmål (the language the demo applied in).
  const subject = `Svar på søknaden din: ${posting.title}`;
  for (const [name, email] of [[a.name, emailA], [b.name, emailB]]) {
    const mail = await waitForMail((m) => (m.headers['to'] || '').includes(email) && m.subject === subject, `the rejection to ${name}`);
    for (const text of [`Hei, ${name}.`, 'Takk for at du søkte på stillingen', `Lykke til videre, ${name}`, 'Oslo universitetssykehus']) {
      expect.soft(mail.text, `the e-mail to ${name} says "${text}"`).toContain(text);
    }
    expect.soft(mail.text, 'no placeholder left').not.toMatch(/\{(name|navn|title|org)\}/);
  }

  // --- 3. the rejected applicant's page ---------------------------------------------------------------
  await activate(page, page.getByRole('link', { name: a.name, exact: true }));
  await expect(page).toHaveURL(new RegExp(`/admin/applications/${a.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(a.name);
  await expect(fact(page, 'Steg')).toHaveText(/^Avslått \(siden .+\)$/);
  const history = page.getByRole('heading', { level: 2, name: 'Historikk' }).locator('xpath=following-sibling::ol[1]');
  await expect(history).toContainText(`Mottatt → Avslått (${HR.name}): ${reason}. Med melding «${subject}»`);
  const messages = page.getByRole('heading', { level: 2, name: 'Meldinger' }).locator('xpath=following-sibling::ul[1]');
  await expect(messages).toContainText(subject);
  await expect(messages).toContainText(`Lykke til videre, ${a.name}`);
  await expect(page.getByRole('heading', { name: 'Flytt eller gi svar' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Gå videre' })).toHaveCount(0);
  await checkA11y(page, 'admin: a rejected application');

  // --- 4. the third applicant moved to "Vurdering" from their own page, without a message ----------
  await page.goto(`${listPath}?stage=1`);
  await activate(page, page.getByRole('link', { name: c.name, exact: true }));
  await expect(page).toHaveURL(new RegExp(`/admin/applications/${c.id}$`));
  await expect(fact(page, 'Steg')).toHaveText(/^Mottatt \(siden .+\)$/);
  await expect(page.getByText('Søknaden er ikke flyttet ennå.')).toBeVisible();
  await checkA11y(page, 'admin: an application in "Mottatt"');
  const one = page.getByRole('region', { name: 'Flytt eller gi svar' });
  await skipToMain(page);
  await tabTo(page, one.getByLabel('Flytt til', { exact: true }), 30);
  await chooseOptionByKeyboard(page, one.getByLabel('Flytt til', { exact: true }), 'Vurdering');
  await page.keyboard.press('Tab');
  await expect(one.getByLabel('Meldingsmal', { exact: true })).toHaveValue('');
  await tabTo(page, one.getByRole('button', { name: 'Gå videre' }), 2);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(movePath)}\\?ids=${c.id}&target=\\d+&template=$`));
  await expect(page.getByRole('main')).toContainText('Disse søkerne flyttes til Vurdering');
  const send = page.getByRole('checkbox', { name: 'Send melding til søkerne' });
  await expect(send).not.toBeChecked();
  await expect(page.getByLabel('Emne på bokmål', { exact: true })).toHaveValue('');
  await checkA11y(page, 'admin: move page (one applicant, no message)');
  await skipToMain(page);
  await tabTo(page, page.getByLabel('Begrunnelse', { exact: true }), 10);
  await page.keyboard.type(moveReason);
  await tabTo(page, page.getByRole('button', { name: 'Flytt søkerne' }), 8);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}\\?moved=1&refused=0$`));
  await expect(page.getByRole('status').filter({ hasText: 'er flyttet' })).toHaveText(/^1 søker er flyttet\.$/);
  await activate(page, page.getByRole('link', { name: c.name, exact: true }));
  await expect(fact(page, 'Steg')).toHaveText(/^Vurdering \(siden .+\)$/);
  await expect(history.locator('li')).toHaveText([new RegExp(`: Mottatt → Vurdering \\(${escapeRegExp(HR.name)}\\): ${escapeRegExp(moveReason)}$`)]);
  await expect(page.getByRole('heading', { level: 2, name: 'Meldinger' })).toHaveCount(0);
  await expect(one).toBeVisible();
  await checkA11y(page, 'admin: an application moved to "Vurdering"');

  // --- 5. the stages: "Faglig vurdering" added; "Vurdering" (which holds an applicant) kept ----------
  await page.goto(listPath);
  await activate(page, page.getByRole('link', { name: 'Steg og svarfrist for søkerne' }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(postingPath)}/stages$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Steg i rekrutteringen' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Nytt steg' })).toHaveCount(2);
  await checkA11y(page, 'admin: stages');
  const ord = async (name: string) => Number(await (await stageGroup(page, name)).getByLabel('Rekkefølge', { exact: true }).inputValue());
  const between = Math.floor(((await ord('Mottatt')) + (await ord('Vurdering'))) / 2);
  expect(between).toBeGreaterThan(await ord('Mottatt'));
  const fresh = page.getByRole('group', { name: 'Nytt steg' }).first();
  await skipToMain(page);
  await tabTo(page, fresh.getByLabel('Rekkefølge', { exact: true }), 60);
  await page.keyboard.type(String(between));
  await page.keyboard.press('Tab');
  await page.keyboard.type('Faglig vurdering');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Professional assessment');
  await page.keyboard.press('Tab');
  await chooseOptionByKeyboard(page, fresh.getByLabel('Fase', { exact: true }), 'Vurdering');
  await tabTo(page, page.getByRole('button', { name: 'Lagre stegene' }), 10);
  let saved = nextPost(page, `${postingPath}/stages`);
  await page.keyboard.press('Enter');
  expect((await saved).status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(postingPath)}/stages$`));
  await expect(page.getByRole('group', { name: 'Steg 2', exact: true }).getByLabel('Navn på bokmål', { exact: true })).toHaveValue('Faglig vurdering');
  await expect(page.getByRole('group', { name: 'Steg 3', exact: true }).getByLabel('Navn på bokmål', { exact: true })).toHaveValue('Vurdering');
  await checkA11y(page, 'admin: stages with "Faglig vurdering"');

  await page.goto(listPath);
  const counts = await stageCounts(page);
  expect([...counts.keys()].slice(0, 3)).toEqual(['Mottatt', 'Faglig vurdering', 'Vurdering']);
  await expect(page.getByRole('link', { name: 'Faglig vurdering', exact: true })).toHaveAttribute('href', new RegExp(`${escapeRegExp(listPath)}\\?stage=\\d+$`));
  expect(counts.get('Faglig vurdering'), 'no one moved into the new stage by itself').toBe(0);
  expect(counts.get('Vurdering'), 'the third applicant joined those in "Vurdering"').toBe(afterReject.get('Vurdering')! + 1);
  expect(counts.get('Mottatt')).toBe(afterReject.get('Mottatt')! - 1);
  await checkA11y(page, 'admin: applicants with the new stage');

  await page.goto(`${postingPath}/stages`);
  const screening = await stageGroup(page, 'Vurdering');
  await skipToMain(page);
  await tabTo(page, screening.getByLabel('Navn på bokmål', { exact: true }), 60);
  await retypeFocused(page, '');
  await tabTo(page, page.getByRole('button', { name: 'Lagre stegene' }), 60);
  saved = nextPost(page, `${postingPath}/stages`);
  await page.keyboard.press('Enter');
  expect((await saved).status(), 'a stage with applicants cannot go').toBe(422);
  const refused = page.getByRole('alert');
  await expect(refused).toContainText('Et steg som har søkere, kan ikke fjernes eller få en annen fase.');
  await expect(refused).toBeFocused();
  await expect(page.getByRole('group', { name: 'Steg 3', exact: true }).getByLabel('Navn på bokmål', { exact: true })).toHaveValue('');
  await checkA11y(page, 'admin: stages refused (a stage with applicants emptied, 422)');
  await page.goto(`${postingPath}/stages`);
  await stageGroup(page, 'Vurdering'); // still there

  // --- 6. the posting: deadline not passed, so no "Avslutt saken" -----------------------------------
  await activate(page, page.getByRole('main').getByRole('link', { name: posting.title, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(postingPath)}$`));
  expect(await stageCounts(page)).toEqual(counts);
  await expect(page.getByRole('button', { name: 'Avslutt saken' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Avslutt saken' })).toHaveCount(0);
  await checkA11y(page, 'admin: open posting after the moves (no "Avslutt saken")');

  // --- 7. "Søk i søknader" finds the first applicant by family name and given name ------------------
  await page.goto('/admin');
  await activate(page, page.getByRole('link', { name: 'Søk i søknader', exact: true }));
  await expect(page).toHaveURL(/\/admin\/search$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Søk i søknader' })).toBeVisible();
  await checkA11y(page, 'admin: search');
  const nameParts = a.name.split(' ');
  const words = `${nameParts[nameParts.length - 1]} ${nameParts[0]}`;
  const searchForm = page.getByRole('search', { name: 'Søk i søknader' });
  await skipToMain(page);
  await tabTo(page, searchForm.getByLabel('Søkeord', { exact: true }), 10);
  await page.keyboard.type(words);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/admin\/search\?/);
  expect(new URL(page.url()).searchParams.get('q')).toBe(words);
  await expect(searchForm.getByLabel('Søkeord', { exact: true })).toHaveValue(words);
  const hit = page
    .getByRole('table', { name: 'Søknader som passer med søket' })
    .locator('tbody tr')
    .filter({ has: page.locator(`a[href="/admin/applications/${a.id}"]`) });
  await expect(hit).toHaveCount(1);
  await expect(hit.getByRole('link', { name: a.name, exact: true })).toBeVisible();
  await expect(hit.getByRole('link', { name: posting.title, exact: true })).toHaveAttribute('href', listPath);
  await checkA11y(page, 'admin: search hits');
});

test('adding a stage before another of the same phase moves no one', async ({ page }) => {
  // An application that was never moved stands in the first stage of its phase; saving the stages
  // writes that down first, so a new stage placed before "Vurdering" in the same phase takes over
  // no one (this once moved them silently).
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  const fit = (c: Map<string, number>) => (c.get('Vurdering') ?? 0) >= 1 && !c.has('Faglig vurdering');
  const posting = await openPosting(page, fit, 'an applicant in "Vurdering" and default stages');
  const before = await stageCounts(page);
  await page.goto(`/admin/postings/${posting.id}/stages`);
  const fresh = page.getByRole('group', { name: 'Nytt steg' }).first();
  await fresh.getByLabel('Rekkefølge', { exact: true }).focus();
  await page.keyboard.type('15');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Faglig vurdering');
  await activate(page, page.getByRole('button', { name: 'Lagre stegene' }));
  await expect(page.getByRole('group', { name: 'Steg 2', exact: true }).getByLabel('Navn på bokmål', { exact: true })).toHaveValue('Faglig vurdering');
  await page.goto(`/admin/postings/${posting.id}/applicants`);
  const after = await stageCounts(page);
  await checkA11y(page, 'admin: applicants after a stage was added');
  expect(after.get('Faglig vurdering'), 'no one is in the new stage').toBe(0);
  expect(after.get('Vurdering'), 'those in "Vurdering" stay there').toBe(before.get('Vurdering'));
});
