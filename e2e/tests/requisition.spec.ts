import { test, expect } from '@playwright/test';
import { HR, checkA11y, isoDateInDays, passwordLogin, selectFirstRealOption } from './helpers';

// A staffing need on its way to an ad (R1, R2): the law's rules on the form, the decision, and
// the preferential-rights check, with axe-core on every page and the form used by keyboard.
test('a part-time temporary need is refused without a justification, accepted with one, and approved', async ({ page }) => {
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await page.getByRole('link', { name: 'Bemanningsbehov', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bemanningsbehov' })).toBeVisible();
  await checkA11y(page, 'admin: requisitions');

  await page.getByRole('link', { name: 'Meld nytt bemanningsbehov' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Meld bemanningsbehov' })).toBeVisible();
  await checkA11y(page, 'admin: new requisition form');

  await selectFirstRealOption(page, 'Enhet');
  await selectFirstRealOption(page, 'Yrkesgruppe');
  await page.getByLabel('Stillingsprosent', { exact: true }).fill('60');
  await page.getByLabel('Ansettelsesform', { exact: true }).selectOption('temporary');
  await page.getByLabel('Grunnlag for midlertidig ansettelse (aml. § 14-9)', { exact: true }).selectOption('a');
  await page.getByLabel('Ønsket oppstart', { exact: true }).fill(isoDateInDays(30));
  // The last field by keyboard: type, then Enter submits the form.
  const cost = page.getByLabel('Kostnadssted', { exact: true });
  await cost.focus();
  await page.keyboard.type('AKU-4410');
  await page.keyboard.press('Enter');

  const summary = page.getByRole('alert');
  await expect(summary).toContainText('En deltidsstilling må begrunnes skriftlig');
  await checkA11y(page, 'admin: requisition form with errors');
  await expect(page.getByLabel('Kostnadssted', { exact: true })).toHaveValue('AKU-4410');

  await page
    .getByLabel('Begrunnelse for deltid (aml. § 14-1 b)', { exact: true })
    .fill('Helgestillinger: behovet er annenhver helg i turnusen.');
  await page.getByLabel('Drøftet med tillitsvalgte', { exact: true }).fill(isoDateInDays(-3));
  await page.getByRole('button', { name: 'Send til godkjenning' }).click();

  await expect(page).toHaveURL(/\/admin\/requisitions\/\d+$/);
  await expect(page.getByText('Til godkjenning')).toBeVisible();
  await checkA11y(page, 'admin: requisition awaiting a decision');

  await page.getByRole('button', { name: 'Godkjenn' }).click();
  await expect(page.getByText('Godkjent', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('Stillingen kan lyses ut eksternt')).toBeVisible();
  await checkA11y(page, 'admin: approved requisition');
});

test('the language check shows advice beside the ad text without saving it', async ({ page }) => {
  await passwordLogin(page, HR.username, HR.password);
  await page.goto('/admin');
  const count = page.getByRole('main').getByText(/^\d+ utlysning(er)?$/); // "55 utlysninger"
  const before = await count.innerText();
  await page.goto('/admin/postings/new');
  await page.getByLabel('Tittel', { exact: true }).fill('Sykepleier til intensiv');
  await page
    .getByLabel('Innledning', { exact: true })
    .fill('Vi søker en ung og dynamisk sykepleier som er konkurranseorientert. Du må kunne ECMO.');
  await page.getByLabel('Arbeidsoppgaver', { exact: true }).fill('- Pasientbehandling på intensiv');
  await page.getByRole('button', { name: 'Sjekk språket' }).click();

  const check = page.getByRole('region', { name: 'Språk og lesbarhet, bokmål', exact: true });
  await expect(check).toBeVisible();
  await expect(check).toContainText('ung og dynamisk');
  await expect(check).toContainText('Lesbarhetsindeks (LIX)');
  // Only bokmål was written, so there is no check of an English text.
  await expect(page.getByRole('region', { name: 'Språk og lesbarhet, engelsk', exact: true })).toHaveCount(0);
  // The form comes back as typed, and nothing was saved.
  await expect(page.getByLabel('Tittel', { exact: true })).toHaveValue('Sykepleier til intensiv');
  await expect(page.getByLabel('Innledning', { exact: true })).toHaveValue(/ung og dynamisk/);
  await expect(page.getByLabel('Arbeidsoppgaver', { exact: true })).toHaveValue('- Pasientbehandling på intensiv');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ny utlysning');
  await checkA11y(page, 'admin: posting form with the language check');
  await page.goto('/admin');
  await expect(count).toHaveText(before);
});

test('the preferential-rights register names every problem in a file by line and column', async ({ page }) => {
  await passwordLogin(page, HR.username, HR.password);
  await page.goto('/admin/requisitions');
  await page.getByRole('link', { name: 'Fortrinnsrett', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fortrinnsrett' })).toBeVisible();
  await checkA11y(page, 'admin: preferential-rights register');
  await page.getByLabel('CSV-fil', { exact: true }).setInputFiles({
    name: 'register.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('employee_number;right;profession;unit;from;to\n999999;14-9;nurse;NOPE;2026-01-01;2025-01-01\n'),
  });
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page.getByRole('heading', { name: 'Filen ble ikke importert' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'right', exact: true })).toBeVisible();
  await checkA11y(page, 'admin: register import with problems');
});
