import { test, expect } from '@playwright/test';
import {
  HR,
  checkA11y,
  formatDate,
  isoDateInDays,
  newVisitorContext,
  passwordLogin,
  selectOptionMatching,
  uniqueSuffix,
} from './helpers';

// An ad's life after it is written (issue 10): from a template, sent to HR, edited, approved for
// an internal-only period first (aml. § 14-1), so the public career site does not show it yet;
// its deadline extended (the original kept), and taken down with a reason. axe-core on every page.
test('an ad in its internal period is not on the career site; HR extends its deadline and takes it down', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const suffix = uniqueSuffix();
  const title = `Sykepleier til intensiv, internt først ${suffix}`;
  const today = isoDateInDays(0);
  const deadline = isoDateInDays(30);
  const internalUntil = isoDateInDays(2);
  const extended = isoDateInDays(45);

  // --- HR writes an ad from the nurse template ------------------------------------------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await page.getByRole('link', { name: 'Ny utlysning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny utlysning' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Stillingen', exact: true })).toBeVisible();
  await checkA11y(page, 'admin: new ad form');
  await page.getByLabel('Start fra mal', { exact: true }).selectOption({ label: 'Sykepleier' });
  await page.getByRole('button', { name: 'Bruk malen' }).click();
  await expect(page).toHaveURL(/\/admin\/postings\/new\?template=nurse$/);
  await expect(page.getByLabel('Tittel', { exact: true })).toHaveValue('Sykepleier');
  await expect(page.getByLabel('Yrkesgruppe', { exact: true })).toHaveValue('nurse');
  await expect(page.getByLabel('Innledning', { exact: true })).toHaveValue(/^Vi søker sykepleier/);
  await expect(page.locator('#req_kind_0')).toHaveValue('required');
  await checkA11y(page, 'admin: new ad form from the nurse template');

  await page.getByLabel('Tittel', { exact: true }).fill(title);
  await selectOptionMatching(page, 'Enhet', /(^|\s)Intensivavdelingen$/);
  await page.getByLabel('Ansettelsesform', { exact: true }).selectOption({ label: 'Fast' });
  await page.getByLabel('Stillingsprosent', { exact: true }).fill('100');
  await page.getByLabel('Antall stillinger', { exact: true }).fill('2');
  await page.getByLabel('Søknadsfrist', { exact: true }).fill(deadline);
  await page
    .getByLabel('Om enheten', { exact: true })
    .fill('Intensivavdelingen på Rikshospitalet har 24 senger og behandler de sykeste pasientene i regionen.');
  await page
    .getByLabel('Om enheten (engelsk)', { exact: true })
    .fill('The intensive care department at Rikshospitalet has 24 beds for the most seriously ill patients.');
  await page.getByLabel('Arbeidssted', { exact: true }).fill('Rikshospitalet');
  await page.getByRole('button', { name: 'Lagre utkast' }).click();

  await expect(page).toHaveURL(/\/admin\/postings\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const postingPath = new URL(page.url()).pathname;
  const postingId = postingPath.split('/').pop()!;
  const status = page.getByRole('term').filter({ hasText: /^Status$/ }).locator('xpath=following-sibling::dd[1]');
  const deadlineFact = page.getByRole('term').filter({ hasText: /^Søknadsfrist$/ }).locator('xpath=following-sibling::dd[1]');
  const log = page.getByRole('heading', { level: 2, name: 'Logg' }).locator('xpath=following-sibling::ol[1]');
  await expect(status).toHaveText('Utkast');
  await expect(log).toContainText('Opprettet');
  await checkA11y(page, 'admin: ad (draft)');

  // --- the writer sends it to HR --------------------------------------------------------------------
  await page.getByRole('button', { name: 'Send til godkjenning hos HR' }).click();
  await expect(status).toHaveText('Venter på godkjenning');
  await expect(log).toContainText('Sendt til godkjenning');
  await expect(page.getByRole('button', { name: 'Send til godkjenning hos HR' })).toHaveCount(0);
  await checkA11y(page, 'admin: ad awaiting approval');

  // --- HR edits it before approving ------------------------------------------------------------------
  await page.getByRole('link', { name: 'Rediger annonsen' }).click();
  await expect(page).toHaveURL(new RegExp(`${postingPath}/edit$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Rediger utlysning' })).toBeVisible();
  await expect(page.getByLabel('Tittel', { exact: true })).toHaveValue(title);
  await expect(page.getByLabel('Arbeidssted', { exact: true })).toHaveValue('Rikshospitalet');
  await checkA11y(page, 'admin: ad edit form');
  await page.getByLabel('Lønn', { exact: true }).fill('Lønnstrinn 50–55');
  await page.getByRole('button', { name: 'Lagre utkast' }).click();
  await expect(page).toHaveURL(new RegExp(`${postingPath}$`));
  await expect(log).toContainText('Endret');

  // --- HR approves it: from today, internal only for three days --------------------------------------
  const approve = page.getByRole('region', { name: 'Godkjenn og publiser' });
  await approve.getByLabel('Publiseres fra', { exact: true }).fill(''); // empty = today
  await approve.getByLabel('Bare intern utlysning til og med (valgfritt)', { exact: true }).fill(internalUntil);
  await approve.getByRole('button', { name: 'Publiser', exact: true }).click();
  await expect(status).toContainText('Publisert internt');
  await expect(status).toContainText(`bare internt til og med ${formatDate(internalUntil)}`);
  await expect(status).toContainText(`Vises fra ${formatDate(today)}`);
  await expect(log).toContainText('Godkjent og publisert');
  // Not public yet: no link to the career site.
  await expect(page.getByRole('link', { name: 'Se annonsen på karrieresiden' })).toHaveCount(0);
  await checkA11y(page, 'admin: ad in its internal period');

  // --- the public does not see it --------------------------------------------------------------------
  const visitorContext = await newVisitorContext(browser);
  const visitor = await visitorContext.newPage();
  try {
    await visitor.goto('/jobs');
    await visitor.getByLabel('Søkeord', { exact: true }).fill(suffix);
    await visitor.getByRole('button', { name: 'Søk', exact: true }).click();
    await expect(visitor.getByText(/^Ingen ledige stillinger passer til søket ditt/)).toBeVisible();
    await expect(visitor.getByRole('link', { name: title })).toHaveCount(0);
    await checkA11y(visitor, 'career site: search during the internal period');
    const res = await visitor.goto(`/jobs/${postingId}`);
    expect(res?.status(), 'the ad is not public in its internal period').toBe(404);
    await checkA11y(visitor, 'career site: the internal ad (404)');
  } finally {
    await visitorContext.close();
  }

  // --- the internal channel: signed-in people see it, and may apply (aml §14-1) ----------------------
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Interne stillinger' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Interne stillinger' })).toBeVisible();
  await expect(page.getByText(`Intern til og med ${formatDate(internalUntil)}`).first()).toBeVisible();
  await checkA11y(page, 'internal channel: the list');
  const internalLink = page.getByRole('link', { name: title, exact: true });
  await internalLink.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/internal/${postingId}$`));
  await expect(page.getByRole('note')).toContainText(`bare ansatte ser denne annonsen til og med ${formatDate(internalUntil)}`);
  await expect(page.getByRole('link', { name: 'Søk på stillingen' })).toHaveAttribute('href', `/jobs/${postingId}/apply?source=internal`);
  await checkA11y(page, 'internal channel: the ad');
  await page.goto(postingPath);

  // --- HR extends the deadline; the original is kept --------------------------------------------------
  const extend = page.getByRole('region', { name: 'Forleng søknadsfristen' });
  await expect(extend.getByLabel('Ny søknadsfrist', { exact: true })).toHaveValue(isoDateInDays(37));
  // Not later than the deadline it has: refused.
  await extend.getByLabel('Ny søknadsfrist', { exact: true }).fill(isoDateInDays(10));
  await extend.getByRole('button', { name: 'Forleng fristen' }).click();
  await expect(page.getByRole('alert')).toContainText('Den nye fristen må være senere enn dagens frist');
  await expect(deadlineFact).toHaveText(formatDate(deadline));
  await checkA11y(page, 'admin: ad with a refused extension');
  await page.getByRole('region', { name: 'Forleng søknadsfristen' }).getByLabel('Ny søknadsfrist', { exact: true }).fill(extended);
  await page.getByRole('region', { name: 'Forleng søknadsfristen' }).getByRole('button', { name: 'Forleng fristen' }).click();
  await expect(page).toHaveURL(new RegExp(`${postingPath}$`));
  await expect(deadlineFact).toContainText(formatDate(extended));
  await expect(deadlineFact).toContainText(`Opprinnelig frist: ${formatDate(deadline)}`);
  await expect(log).toContainText('Fristen forlenget');
  // The log writes its dates as people read them.
  await expect(log).toContainText(`${formatDate(deadline)} → ${formatDate(extended)}`);
  await expect(status).toContainText('Publisert internt');
  await checkA11y(page, 'admin: ad with an extended deadline');

  // --- HR takes it down: a reason is required; the second time by keyboard only ------------------------
  const takeDown = page.getByRole('region', { name: 'Ta ned annonsen' });
  await takeDown.getByRole('button', { name: 'Ta ned annonsen' }).click();
  await expect(page.getByRole('alert')).toContainText('Skriv kort hvorfor annonsen tas ned');
  await expect(status).toContainText('Publisert internt');
  await checkA11y(page, 'admin: take-down refused without a reason');

  const reason = `Stillingen lyses ut på nytt med en annen turnus (${suffix}).`;
  const reasonField = page.getByRole('region', { name: 'Ta ned annonsen' }).getByLabel('Begrunnelse', { exact: true });
  await expect(reasonField).toHaveAttribute('aria-invalid', 'true');
  await reasonField.focus();
  await page.keyboard.type(reason);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('region', { name: 'Ta ned annonsen' }).getByRole('button', { name: 'Ta ned annonsen' })).toBeFocused();
  await page.keyboard.press('Space');

  await expect(status).toHaveText('Utkast');
  await expect(log).toContainText('Tatt ned');
  await expect(log).toContainText(reason);
  // A draft again: HR must approve it anew, and it cannot be extended or taken down.
  await expect(page.getByRole('region', { name: 'Godkjenn og publiser' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Ta ned annonsen' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Forleng søknadsfristen' })).toHaveCount(0);
  await checkA11y(page, 'admin: ad taken down');
});
