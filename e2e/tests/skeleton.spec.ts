import { test, expect, type Page } from '@playwright/test';
import {
  APPLICATION_DEFAULTS,
  BASE_URL,
  HR,
  OIDC_USER,
  OUTBOX_DIR,
  applicationField,
  applySubmitButton,
  checkA11y,
  escapeRegExp,
  fillApplication,
  isoDateInDays,
  minimalPdf,
  newVisitorContext,
  oidcLogin,
  passwordLogin,
  selectFirstRealOption,
  uniqueSuffix,
  waitForEmail,
} from './helpers';

const appOrigin = new URL(BASE_URL).origin;

/** Opens some published posting on the career site (from the demo data). */
async function openAnyPublishedPosting(page: Page): Promise<string> {
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  const main = page.getByRole('main');
  const hrefs = await main.locator('a[href]').evaluateAll((els) =>
    els.map((a) => a.getAttribute('href') || '').filter((h) => /\/jobs\/[^/?#]+\/?$/.test(h)),
  );
  expect(hrefs.length, 'the demo data must list at least one published posting on /jobs').toBeGreaterThan(0);
  const link = main.locator(`a[href="${hrefs[0]}"]`).first();
  const title = (await link.innerText()).trim();
  await link.click();
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toBeVisible();
  expect(title, 'the posting link text should be the posting title').toContain((await h1.innerText()).trim());
  return title;
}

test('walking skeleton: HR publishes a posting, a candidate applies, HR sees the application', async ({ page, browser }) => {
  const suffix = uniqueSuffix();
  const title = `Spesialsykepleier ved øyeavdelingen ${suffix}`;
  const firstName = 'Åse';
  const lastName = `Kandidatsen${suffix}`;
  const email = `ase.kandidat.${suffix}@example.com`;

  // --- HR signs in with a password --------------------------------------------------------
  await page.goto('/login');
  await checkA11y(page, 'login page');
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Utlysninger' })).toBeVisible();
  await expect(page.getByText(`Innlogget som ${HR.name}`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Logg ut' })).toBeVisible();
  await checkA11y(page, 'admin: posting list');

  // --- creates a posting -------------------------------------------------------------------
  await page.getByRole('link', { name: 'Ny utlysning' }).click();
  await expect(page).toHaveURL(/\/admin\/postings\/new$/);
  await checkA11y(page, 'admin: new posting form');
  await page.getByLabel('Tittel', { exact: true }).fill(title);
  await page.getByLabel('Innledning', { exact: true }).fill(
    `Vi søker en engasjert spesialsykepleier til vår poliklinikk. Søknadsnummer ${suffix}.`,
  );
  await page.getByLabel('Arbeidsoppgaver', { exact: true }).fill(
    '- Undersøkelser og behandling på poliklinikken\n- Veiledning av pasienter og pårørende',
  );
  // The requirement profile needs at least one "Krav"; labels repeat per row, so scope by the row.
  const firstRequirement = page.getByRole('group', { name: 'Punkt 1', exact: true });
  await firstRequirement.getByLabel('Tekst på bokmål', { exact: true }).fill('Norsk autorisasjon som sykepleier');
  await firstRequirement.getByLabel('Type', { exact: true }).selectOption({ label: 'Krav' });
  await selectFirstRealOption(page, 'Enhet');
  await selectFirstRealOption(page, 'Yrkesgruppe');
  await page.getByLabel('Ansettelsesform', { exact: true }).selectOption({ label: 'Fast' });
  await page.getByLabel('Stillingsprosent', { exact: true }).fill('100');
  await page.getByLabel('Antall stillinger', { exact: true }).fill('1');
  await page.getByLabel('Søknadsfrist', { exact: true }).fill(isoDateInDays(30));
  await page.getByRole('button', { name: 'Lagre utkast' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page).toHaveURL(/\/admin\/postings\/[^/?#]+\/?([?#].*)?$/);
  expect(page.url(), 'after "Lagre utkast" we should be on the new posting\'s page').not.toMatch(/\/admin\/postings\/new/);
  const postingAdminUrl = page.url().replace(/[?#].*$/, '');
  await checkA11y(page, 'admin: posting page (draft)');

  // --- publishes it (HR approves and publishes at once; "Publiseres fra" empty/today) ---------
  await expect(page.getByRole('definition').filter({ hasText: 'Utkast' })).toBeVisible();
  await page.getByRole('button', { name: 'Publiser', exact: true }).click();
  await expect(page.getByRole('definition').filter({ hasText: /^Publisert/ })).toBeVisible();
  await checkA11y(page, 'admin: posting page (published)');

  // --- an anonymous visitor finds it, opens it and applies -------------------------------------
  const visitorContext = await newVisitorContext(browser);
  const visitor = await visitorContext.newPage();
  try {
    await visitor.goto('/');
    await expect(visitor).toHaveURL(/\/jobs\/?(\?.*)?$/);
    await expect(visitor.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
    await checkA11y(visitor, 'career site: /jobs');

    await visitor.getByLabel('Søkeord', { exact: true }).fill(title);
    await visitor.getByRole('button', { name: 'Søk', exact: true }).click();
    const postingLink = visitor.getByRole('link', { name: title, exact: true });
    await expect(postingLink).toBeVisible();
    await checkA11y(visitor, 'career site: search results');

    await postingLink.click();
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
    await checkA11y(visitor, 'career site: ad page');

    await visitor.getByRole('link', { name: 'Søk på stillingen' }).click();
    await checkA11y(visitor, 'career site: application form');
    await fillApplication(visitor, {
      givenName: firstName,
      familyName: lastName,
      email,
      cv: { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV ${firstName} ${lastName}`) },
    });
    await applySubmitButton(visitor).click();
    await expect(visitor.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toBeVisible();
    await checkA11y(visitor, 'career site: receipt');
  } finally {
    await visitorContext.close();
  }

  // --- the confirmation e-mail lands in the outbox -------------------------------------------
  if (OUTBOX_DIR) {
    const mail = await waitForEmail(OUTBOX_DIR, email, 15_000);
    expect(mail.headers['to'] ?? '', `To header of ${mail.file}`).toContain(email);
    expect(mail.text, `decoded subject/body of ${mail.file} should name the posting`).toContain(title);
  } else {
    test.info().annotations.push({ type: 'skipped-check', description: 'E2E_OUTBOX_DIR not set: e-mail not checked' });
  }

  // --- HR sees the applicant on the applicant list and opens the application and the CV ---------
  await page.goto(postingAdminUrl);
  await expect(page.getByRole('main')).toContainText('Mottatt: 1');
  await checkA11y(page, 'admin: posting page with an application');
  await page.getByRole('link', { name: 'Se og behandle søkerne' }).click();
  const applicantLink = page.getByRole('link', {
    name: new RegExp(`${escapeRegExp(firstName)}.*${escapeRegExp(lastName)}|${escapeRegExp(lastName)}.*${escapeRegExp(firstName)}`),
  });
  await expect(applicantLink).toBeVisible();
  await checkA11y(page, 'admin: applicant list with an application');
  await applicantLink.click();
  await expect(page.getByText(email).first()).toBeVisible();
  await checkA11y(page, 'admin: application page');

  const cvLink = page.getByRole('link', { name: 'Last ned CV' });
  await expect(cvLink).toBeVisible();
  const cvHref = await cvLink.getAttribute('href');
  expect(cvHref, 'the "Last ned CV" link needs an href').toBeTruthy();
  const cv = await page.request.get(new URL(cvHref!, page.url()).href);
  expect(cv.status(), 'CV download status').toBe(200);
  expect(cv.headers()['content-type'] ?? '', 'CV download content-type').toContain('application/pdf');
  const cvBody = await cv.body();
  expect(cvBody.subarray(0, 5).toString('latin1'), 'CV download starts with %PDF-').toBe('%PDF-');

  // --- and signs out --------------------------------------------------------------------------
  await page.goto('/admin');
  await page.getByRole('button', { name: 'Logg ut' }).click();
  await page.goto('/admin');
  await expect(page.getByText(/Innlogget som/)).toHaveCount(0);
});

test('an upload that is not a document we take is refused and the typed names are kept', async ({ page }) => {
  await openAnyPublishedPosting(page);
  await page.getByRole('link', { name: 'Søk på stillingen' }).click();
  await expect(page.getByLabel('Fornavn', { exact: true })).toBeVisible();

  const pdfMentions = async () => ((await page.getByRole('main').innerText()).match(/PDF/g) || []).length;
  const before = await pdfMentions();

  const suffix = uniqueSuffix();
  // Every other required field filled, so the file is the only thing wrong.
  await fillApplication(page, {
    givenName: 'Tekstfil',
    familyName: `Testesen${suffix}`,
    email: `tekstfil.${suffix}@example.com`,
    cv: {
      name: 'cv.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('Dette er en vanlig tekstfil, ikke et dokument i det formatet som kreves.\n', 'utf8'),
    },
  });
  await applySubmitButton(page).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toHaveCount(0);
  await expect
    .poll(pdfMentions, { message: 'an error message mentioning "PDF" should appear (beyond the hint under the CV field)' })
    .toBeGreaterThan(before);
  await expect(page.getByLabel('Fornavn', { exact: true })).toHaveValue('Tekstfil');
  await expect(page.getByLabel('Etternavn', { exact: true })).toHaveValue(`Testesen${suffix}`);
  await expect(applicationField(page, 'phone')).toHaveValue(APPLICATION_DEFAULTS.phone);
  await expect(applicationField(page, 'cover_letter')).toHaveValue(APPLICATION_DEFAULTS.coverLetter);
  await checkA11y(page, 'career site: application form with an error');
});

test('a wrong password is refused and gives no session', async ({ page }) => {
  await passwordLogin(page, HR.username, 'helt-feil-passord');
  await expect(page.getByText(/Feil brukernavn eller passord/)).toBeVisible();
  await expect(page.getByText(/Innlogget som/)).toHaveCount(0);
  await checkA11y(page, 'login page with an error');

  await page.goto('/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Utlysninger' })).toHaveCount(0);
  await expect(page.getByText(/Innlogget som/)).toHaveCount(0);
});

test('staff sign in with the organisation account (OpenID Connect)', async ({ page }) => {
  // At the identity provider: user name and any password, then consent if it asks (see helpers).
  await oidcLogin(page);
  await expect(page.getByText(`Innlogget som ${OIDC_USER.name}`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`^${escapeRegExp(appOrigin)}/admin/?$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Utlysninger' })).toBeVisible();
  await checkA11y(page, 'admin after OIDC sign-in');
});

test('the career site switches to English and back', async ({ page }) => {
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  expect(await page.locator('html').getAttribute('lang')).toMatch(/^(nb|no)\b/i);

  await page.getByRole('link', { name: 'English', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Vacancies' })).toBeVisible();
  expect(await page.locator('html').getAttribute('lang')).toMatch(/^en\b/i);
  await checkA11y(page, 'career site in English');

  await page.getByRole('link', { name: 'Norsk', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  expect(await page.locator('html').getAttribute('lang')).toMatch(/^(nb|no)\b/i);
});

test('an unknown posting gives an accessible 404 page', async ({ page }) => {
  const response = await page.goto('/jobs/999999999');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await checkA11y(page, '404 page');
});

test('keyboard: the first Tab on /jobs focuses the skip link', async ({ page }) => {
  await page.goto('/jobs');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Hopp til hovedinnhold' })).toBeFocused();
});

test('reflow: /jobs has no horizontal scrolling at 320 CSS pixels', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, 'document.documentElement.scrollWidth at a 320px wide viewport').toBeLessThanOrEqual(320);
});
