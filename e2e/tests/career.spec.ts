import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  BASE_URL,
  HR,
  checkA11y,
  escapeRegExp,
  isoDateInDays,
  newVisitorContext,
  passwordLogin,
  selectOptionMatching,
  tabTo,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// The career site as a candidate uses it, by keyboard only: a search with a Norwegian word form
// and two filters whose options count their results, "did you mean", a job alert ordered with
// double opt-in, the alert e-mail when HR publishes a matching ad (with RFC 8058 one-click
// unsubscribe headers), and unsubscribing: by the button on the page, and by the POST a mail
// program makes. axe-core (WCAG 2.1 A/AA) runs on every page of the app visited.

/** The label of the option a <select> shows now. */
async function selectedLabel(select: Locator): Promise<string> {
  return select.evaluate((el) => {
    const s = el as HTMLSelectElement;
    return (s.options[s.selectedIndex]?.textContent || '').trim();
  });
}

/**
 * With the focus on a closed <select>, presses ArrowDown until the option shown matches `text`
 * (from the top: Home first); returns its label.
 */
async function arrowToOption(page: Page, select: Locator, text: RegExp): Promise<string> {
  await expect(select).toBeFocused();
  const n = await select.locator('option').count();
  await page.keyboard.press('Home');
  for (let i = 0; i <= n; i++) {
    const label = await selectedLabel(select);
    if (text.test(label)) return label;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option matching ${text} reached with the arrow keys`);
}

/** The options of a select with a count, as { value, label, name, count }. */
async function countedOptions(select: Locator): Promise<{ value: string; label: string; name: string; count: number }[]> {
  const opts = await select.locator('option').evaluateAll((els) =>
    (els as HTMLOptionElement[]).map((o) => ({ value: o.value, label: (o.textContent || '').trim() })),
  );
  return opts
    .map((o) => {
      const m = /^(.*) \((\d+)\)$/.exec(o.label);
      return m ? { ...o, name: m[1], count: Number(m[2]) } : null;
    })
    .filter((o): o is { value: string; label: string; name: string; count: number } => o !== null && o.value !== '');
}

/** "N ledige stillinger" / "1 ledig stilling". */
function countText(n: number): string {
  return n === 1 ? '1 ledig stilling' : `${n} ledige stillinger`;
}

/** The number in the result count (role=status). */
async function resultCount(page: Page): Promise<number> {
  const status = page.locator('#result-count');
  await expect(status).toHaveAttribute('role', 'status');
  const text = (await status.textContent()) || '';
  if (text.trim() === '1 ledig stilling') return 1;
  const m = /^(\d+) ledige stillinger$/.exec(text.trim());
  expect(m, `result count reads "N ledige stillinger" or "1 ledig stilling" (was "${text}")`).toBeTruthy();
  return Number(m![1]);
}


test('a candidate searches by keyboard, orders a job alert, gets the new ad by e-mail and unsubscribes with one click', async ({
  page,
  browser,
  playwright,
}) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const email = `kandidat-${suffix}@example.no`;
  const title = `Sykepleier til intensiv, jobbvarsel ${suffix}`;
  const q = page.getByLabel('Søkeord', { exact: true });
  const search = page.getByRole('button', { name: 'Søk', exact: true });
  const filters = page.getByRole('group', { name: 'Avgrens søket' });

  // --- 1. a search with a plural word form and the profession filter ---------------------------
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  await checkA11y(page, 'career site: the list');
  const profession = filters.getByLabel('Yrkesgruppe', { exact: true });
  expect((await countedOptions(profession)).map((o) => o.name), 'the demo has nurse ads').toContain('Sykepleier');

  await q.focus();
  await page.keyboard.type('sykepleiere');
  await tabTo(page, profession, 12);
  await arrowToOption(page, profession, /^Sykepleier \(\d+\)$/);
  await expect(profession).toHaveValue('nurse');
  await tabTo(page, search, 12);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/[?&]q=sykepleiere(&|$)/);
  await expect(page).toHaveURL(/[?&]profession=nurse(&|$)/);
  const nurses = await resultCount(page);
  expect(nurses, '"sykepleiere" finds nurse ads').toBeGreaterThan(0);
  await expect(page).toHaveTitle(new RegExp(`^Ledige stillinger \\(${nurses}\\)`));
  await expect(q).toHaveValue('sykepleiere');
  // The chosen profession counts what this search finds.
  expect(await selectedLabel(profession)).toBe(`Sykepleier (${nurses})`);
  await checkA11y(page, 'career site: nurses found with a plural word form');

  // --- a second filter, narrowing by a value its option says has results ----------------------
  // (Not clinic, place or target group: the alert would then ask for those too.)
  type Pick = { label: string; select: Locator; param: string; value: string; option: string; count: number };
  const candidates: Pick[] = [];
  for (const [label, param] of [
    ['Ansettelsesform', 'engagement'],
    ['Heltid eller deltid', 'extent'],
    ['Søknadsfrist innen', 'within'],
    ['Fagområde', 'area'],
  ] as const) {
    const select = filters.getByLabel(label, { exact: true });
    for (const o of await countedOptions(select)) {
      if (o.count > 0) candidates.push({ label, select, param, value: o.value, option: o.label, count: o.count });
    }
  }
  // Prefer a value that narrows (fewer than all, as many as can be), else any with results.
  const second: Pick | undefined =
    candidates.filter((c) => c.count < nurses).sort((a, b) => b.count - a.count)[0] ?? candidates[0];
  expect(second, 'some filter besides the profession narrows the nurse ads').toBeTruthy();
  const s = second!;
  test.info().annotations.push({ type: 'search', description: `"sykepleiere" + Sykepleier: ${nurses}; + ${s.label} = ${s.option}` });
  await q.focus();
  await tabTo(page, s.select, 12);
  await arrowToOption(page, s.select, new RegExp(`^${escapeRegExp(s.option)}$`));
  await expect(s.select).toHaveValue(s.value);
  await tabTo(page, search, 12);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/[?&]q=sykepleiere(&|$)/);
  await expect(page).toHaveURL(/[?&]profession=nurse(&|$)/);
  await expect(page).toHaveURL(new RegExp(`[?&]${s.param}=${escapeRegExp(encodeURIComponent(s.value))}(&|$)`));
  await expect(page.getByRole('status')).toHaveText(countText(s.count));
  expect(await resultCount(page), `"${s.option}" in "${s.label}" gave its count`).toBe(s.count);
  await expect(page).toHaveTitle(new RegExp(`^Ledige stillinger \\(${s.count}\\)`));
  await expect(filters.getByLabel(s.label, { exact: true })).toHaveValue(s.value);
  await expect(filters.getByLabel('Yrkesgruppe', { exact: true })).toHaveValue('nurse');
  const cards = page.locator('ul.cards > li.card h2 a');
  await expect(cards).toHaveCount(Math.min(s.count, 20));
  await checkA11y(page, 'career site: search narrowed by two filters');
  const resultsUrl = page.url();

  // --- open one result by keyboard --------------------------------------------------------------
  const first = cards.first();
  const firstTitle = ((await first.textContent()) || '').trim();
  const firstHref = (await first.getAttribute('href'))!;
  await q.focus();
  await tabTo(page, first, 20);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(firstHref)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(firstTitle);
  await expect(page.getByRole('link', { name: 'Søk på stillingen' })).toBeVisible();
  await checkA11y(page, 'career site: an ad opened from the results');

  // --- 2. did you mean ------------------------------------------------------------------------------
  await page.goto('/jobs?q=sykepelier');
  await expect(page.getByRole('status')).toHaveText(countText(0));
  const suggestion = page.locator('p.suggestion');
  await expect(suggestion).toContainText('Mente du');
  const fix = suggestion.getByRole('link', { name: 'sykepleier', exact: true });
  await expect(fix).toHaveAttribute('href', /[?&]q=sykepleier(&|$)/);
  await checkA11y(page, 'career site: a misspelt search with "Mente du"');
  await q.focus();
  await tabTo(page, fix, 15);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]q=sykepleier(&|$)/);
  await expect(q).toHaveValue('sykepleier');
  expect(await resultCount(page), 'the suggested word finds ads').toBeGreaterThan(0);
  await expect(cards.first()).toBeVisible();
  await expect(page.locator('p.suggestion')).toHaveCount(0);
  await checkA11y(page, 'career site: the suggested search');

  // --- 3. a job alert for this search ---------------------------------------------------------------
  await page.goto(resultsUrl);
  const alertLink = page.getByRole('link', { name: 'Få e-post om nye stillinger som passer dette søket' });
  await expect(alertLink).toHaveAttribute('href', '/jobs/alerts?profession=nurse');
  await q.focus();
  await tabTo(page, alertLink, 80);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/jobs\/alerts\?profession=nurse$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Jobbvarsel' })).toBeVisible();
  const nurseBox = page.getByRole('group', { name: 'Yrkesgrupper' }).getByRole('checkbox', { name: 'Sykepleier', exact: true });
  await expect(nurseBox, 'the search\'s profession comes ticked').toBeChecked();
  await expect(page.getByRole('group', { name: 'Yrkesgrupper' }).getByRole('checkbox', { checked: true })).toHaveCount(1);
  await expect(page.getByRole('group', { name: 'Klinikker' }).getByRole('checkbox', { checked: true })).toHaveCount(0);
  await checkA11y(page, 'career site: the job alert form');

  const emailField = page.getByLabel('E-postadresse', { exact: true });
  await tabTo(page, emailField, 20);
  await page.keyboard.type(email);
  const daily = page.getByRole('radio', { name: 'Én gang om dagen, med alle nye stillinger' });
  const instant = page.getByRole('radio', { name: 'Med en gang en stilling blir lyst ut' });
  await expect(daily).toBeChecked();
  // One Tab stop for the radio group, on the checked one; the arrow key chooses the other.
  await tabTo(page, daily, 200);
  await page.keyboard.press('ArrowDown');
  await expect(instant).toBeChecked();
  await expect(instant).toBeFocused();
  const consent = page.getByRole('checkbox', { name: 'Jeg samtykker i å få jobbvarsel på e-post slik det er beskrevet over' });
  await tabTo(page, consent, 3);
  await page.keyboard.press('Space');
  await expect(consent).toBeChecked();
  await expect(emailField).toHaveValue(email);
  await expect(nurseBox).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Bestill jobbvarsel' }), 3);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/jobs\/alerts\/sent$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
  await checkA11y(page, 'career site: job alert ordered');

  // The confirmation e-mail, with the link to confirm.
  const toMe = (m: Email) => (m.headers['to'] || '').includes(email);
  const confirmation = await waitForMail((m) => toMe(m) && /^Bekreft jobbvarselet ditt/.test(m.subject), 'the confirmation');
  const confirmRe = new RegExp(`${escapeRegExp(BASE_URL)}/jobs/alerts/confirm/([A-Za-z0-9_-]+)`);
  const confirmMatch = confirmRe.exec(confirmation.text);
  expect(confirmMatch, `the confirmation e-mail has a link ${BASE_URL}/jobs/alerts/confirm/<token>`).toBeTruthy();
  const token = confirmMatch![1];
  const manageUrl = `${BASE_URL}/jobs/alerts/${token}`;
  const unsubscribeUrl = `${manageUrl}/unsubscribe`;

  await page.goto(confirmMatch![0]);
  await expect(page.getByRole('heading', { level: 1, name: 'Bekreft jobbvarselet' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(email);
  await checkA11y(page, 'career site: confirm the job alert');
  const confirmButton = page.getByRole('button', { name: 'Bekreft jobbvarselet' });
  await tabTo(page, confirmButton, 20);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/jobs/alerts/${token}\\?done=confirmed$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Jobbvarselet ditt' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Jobbvarselet ditt er bekreftet');
  const fact = (term: string) => page.getByRole('term').filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) }).locator('xpath=following-sibling::dd[1]');
  await expect(fact('E-postadresse')).toHaveText(email);
  await expect(fact('Yrkesgrupper')).toHaveText('Sykepleier');
  await expect(fact('Klinikker')).toHaveText('Alle');
  await expect(fact('Hvor ofte vil du få e-post?')).toHaveText('Med en gang en stilling blir lyst ut');
  await expect(fact('Status')).toContainText('Aktivt til');
  await checkA11y(page, 'career site: the confirmed job alert');

  // --- 4. HR publishes a new nurse ad ------------------------------------------------------------
  const hrContext = await newVisitorContext(browser);
  const hr = await hrContext.newPage();
  let postingId = '';
  try {
    await passwordLogin(hr, HR.username, HR.password);
    await expect(hr).toHaveURL(/\/admin\/?$/);
    await hr.getByRole('link', { name: 'Ny utlysning' }).click();
    await expect(hr.getByRole('heading', { level: 1, name: 'Ny utlysning' })).toBeVisible();
    await checkA11y(hr, 'admin: new ad form');
    await hr.getByLabel('Start fra mal', { exact: true }).selectOption({ label: 'Sykepleier' });
    await hr.getByRole('button', { name: 'Bruk malen' }).click();
    await expect(hr).toHaveURL(/\/admin\/postings\/new\?template=nurse$/);
    await expect(hr.getByLabel('Yrkesgruppe', { exact: true })).toHaveValue('nurse');
    await checkA11y(hr, 'admin: new ad form from the nurse template');
    await hr.getByLabel('Tittel', { exact: true }).fill(title);
    await selectOptionMatching(hr, 'Enhet', /(^|\s)Intensivavdelingen$/);
    await hr.getByLabel('Ansettelsesform', { exact: true }).selectOption({ label: 'Fast' });
    await hr.getByLabel('Stillingsprosent', { exact: true }).fill('100');
    await hr.getByLabel('Antall stillinger', { exact: true }).fill('1');
    await hr.getByLabel('Søknadsfrist', { exact: true }).fill(isoDateInDays(30));
    await hr
      .getByLabel('Om enheten', { exact: true })
      .fill('Intensivavdelingen på Rikshospitalet har 24 senger og behandler de sykeste pasientene i regionen.');
    await hr
      .getByLabel('Om enheten (engelsk)', { exact: true })
      .fill('The intensive care department at Rikshospitalet has 24 beds for the most seriously ill patients.');
    await hr.getByLabel('Arbeidssted', { exact: true }).fill('Rikshospitalet');
    await hr.getByRole('button', { name: 'Lagre utkast' }).click();
    await expect(hr).toHaveURL(/\/admin\/postings\/\d+$/);
    await expect(hr.getByRole('heading', { level: 1 })).toHaveText(title);
    postingId = new URL(hr.url()).pathname.split('/').pop()!;
    const status = hr.getByRole('term').filter({ hasText: /^Status$/ }).locator('xpath=following-sibling::dd[1]');
    await expect(status).toHaveText('Utkast');
    await checkA11y(hr, 'admin: ad (draft)');

    const approve = hr.getByRole('region', { name: 'Godkjenn og publiser' });
    await approve.getByLabel('Publiseres fra', { exact: true }).fill(''); // empty = today
    await approve.getByRole('button', { name: 'Publiser', exact: true }).click();
    await expect(status).toContainText('Publisert');
    await expect(status).not.toContainText('internt');
    await expect(hr.getByRole('link', { name: 'Se annonsen på karrieresiden' })).toHaveAttribute('href', `/jobs/${postingId}`);
    await checkA11y(hr, 'admin: ad published');
  } finally {
    await hrContext.close();
  }

  // The alert e-mail with the new ad, and the one-click unsubscribe headers.
  const adUrl = `${BASE_URL}/jobs/${postingId}?src=job_alert`;
  const alertMail = await waitForMail(
    (m) => toMe(m) && /^(Ny stilling hos|\d+ nye stillinger hos)/.test(m.subject) && m.text.includes(adUrl),
    `a new-ad alert linking to ${adUrl}`,
    30_000,
  );
  if (/^Ny stilling hos/.test(alertMail.subject)) expect(alertMail.subject).toContain(title);
  expect(alertMail.text).toContain(title);
  expect(alertMail.headers['list-unsubscribe'], 'List-Unsubscribe (RFC 2369)').toBe(`<${unsubscribeUrl}>`);
  expect(alertMail.headers['list-unsubscribe-post'], 'List-Unsubscribe-Post (RFC 8058)').toBe('List-Unsubscribe=One-Click');
  expect(alertMail.text).toContain(manageUrl);
  expect(alertMail.text).toContain(unsubscribeUrl);

  // The ad as the e-mail links to it.
  await page.goto(adUrl);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await checkA11y(page, 'career site: the new ad opened from the alert e-mail');

  // --- 5. unsubscribe ---------------------------------------------------------------------------------
  // The page the e-mail's "Meld deg av med ett klikk" link opens: one button, pressed by keyboard.
  await page.goto(unsubscribeUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Meld deg av jobbvarsel' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(email);
  await checkA11y(page, 'career site: unsubscribe from the job alert');
  const unsubscribeButton = page.getByRole('button', { name: 'Meld meg av', exact: true });
  await tabTo(page, unsubscribeButton, 20);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Du er meldt av' })).toBeVisible();
  await checkA11y(page, 'career site: unsubscribed');

  // What a mail program does (RFC 8058): one POST, no cookies; a second time answers the same.
  const mailProgram = await playwright.request.newContext();
  try {
    const res = await mailProgram.post(unsubscribeUrl, { form: { 'List-Unsubscribe': 'One-Click' } });
    expect(res.status(), 'the one-click POST answers 200').toBe(200);
    expect(await res.text()).toContain('Du er meldt av');
  } finally {
    await mailProgram.dispose();
  }

  // The alert is gone: its links are "not found".
  const gone = await page.goto(manageUrl);
  expect(gone?.status(), 'the manage page of a deleted alert').toBe(404);
  await checkA11y(page, 'career site: the manage link after unsubscribing (404)');
});
