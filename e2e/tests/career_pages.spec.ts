import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  BASE_URL,
  HR,
  applicationField,
  applySubmitButton,
  checkA11y,
  escapeRegExp,
  fillApplication,
  minimalPdf,
  newVisitorContext,
  tabTo,
  uniqueSuffix,
} from './helpers';

// The career site's pages about the organisation and the back office behind them: the clinics
// and a clinic's page, the page for students and new graduates (both in the header's main menu),
// HR writing a clinic's page with a picture, the talent pool and where applicants come from, and
// an employee's personal ambassador link to an ad. By keyboard wherever a person acts (Tab, Enter,
// Space; the file chooser is answered with a file, as a person picks one), and axe-core
// (WCAG 2.1 A/AA) on every page of the app visited.

/** A valid 1×1 PNG (one opaque pixel): signature, IHDR, IDAT, IEND. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** An SVG with a script: not a picture the app takes, whatever its name says. */
const SVG_AS_PNG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" onload="alert(1)"><rect width="1" height="1"/></svg>\n',
  'utf8',
);

const MENU = {
  nb: { nav: 'Hovedmeny', clinics: 'Klinikkene', students: 'Studenter og nyutdannede' },
  en: { nav: 'Main menu', clinics: 'Our clinics', students: 'Students and new graduates' },
} as const;

/** The header's main menu (bokmål or English). */
function menu(page: Page, lang: 'nb' | 'en' = 'nb'): Locator {
  return page.getByRole('navigation', { name: MENU[lang].nav });
}

function menuLink(page: Page, which: 'clinics' | 'students', lang: 'nb' | 'en' = 'nb'): Locator {
  return menu(page, lang).getByRole('link', { name: MENU[lang][which], exact: true });
}

/**
 * What every page visited must have: the two new links in the header's main menu (soft), and no
 * WCAG 2.1 A/AA violation (the shared axe check, soft as well).
 */
async function checkPage(page: Page, label: string, lang: 'nb' | 'en' = 'nb'): Promise<void> {
  await expect.soft(menuLink(page, 'clinics', lang), `${label}: "${MENU[lang].clinics}" in the main menu`).toHaveAttribute('href', '/jobs/clinics');
  await expect.soft(menuLink(page, 'students', lang), `${label}: "${MENU[lang].students}" in the main menu`).toHaveAttribute('href', '/jobs/students');
  await checkA11y(page, label);
}

/** Tab to the skip link (the first stop) and follow it with Enter: the focus is then in <main>. */
async function skipToMain(page: Page): Promise<void> {
  const skip = page.getByRole('link', { name: 'Hopp til hovedinnhold' }).or(page.getByRole('link', { name: 'Skip to main content' }));
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
}

/** Moves the focus to `target` with Tab (from the top of the page or from <main>) and presses Enter. */
async function tabAndEnter(page: Page, target: Locator, maxTabs: number, fromMain = false): Promise<void> {
  if (fromMain) await skipToMain(page);
  await tabTo(page, target, maxTabs);
  await page.keyboard.press('Enter');
}

/** Replaces the text of the focused text field or textarea, by keyboard. */
async function retype(page: Page, field: Locator, text: string): Promise<void> {
  await expect(field).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/** Types paragraphs into the focused textarea, separated by a blank line (Enter twice). */
async function typeParagraphs(page: Page, field: Locator, paras: string[]): Promise<void> {
  await expect(field).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  for (const [i, para] of paras.entries()) {
    if (i > 0) {
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
    }
    await page.keyboard.type(para);
  }
}

/** With the focus on a file input, opens its chooser with Space and answers it with this file. */
async function chooseFile(page: Page, input: Locator, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await expect(input).toBeFocused();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles(file);
  await expect(input).toBeFocused();
}

/** Signs in on the /login page it is on (or opens it), by keyboard only; Enter in the password field sends it. */
async function keyboardLogin(page: Page): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith('/login')) await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Logg inn' })).toBeVisible();
  const username = page.getByLabel('Brukernavn', { exact: true });
  await tabTo(page, username, 15);
  await page.keyboard.type(HR.username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Passord', { exact: true })).toBeFocused();
  await page.keyboard.type(HR.password);
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Innlogget som ${HR.name}`)).toBeVisible();
}

/** "N ledige stillinger" / "1 ledig stilling" → N. */
function parseCount(text: string): number {
  const t = text.trim();
  if (t === '1 ledig stilling') return 1;
  const m = /^(\d+) ledige stillinger$/.exec(t);
  expect(m, `a count reads "N ledige stillinger" or "1 ledig stilling" (was "${t}")`).toBeTruthy();
  return Number(m![1]);
}

/** The paragraphs' texts in a region. */
async function paragraphs(region: Locator): Promise<string[]> {
  return (await region.locator('p').allTextContents()).map((s) => s.trim());
}

/** The number of applications in the sources table for the row named `source` (0 if absent). */
async function applicationsFrom(page: Page, source: string): Promise<number> {
  const table = page.getByRole('table', { name: 'Søknader og ansettelser per kilde, alle stillinger' });
  await expect(table).toBeVisible();
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: source, exact: true }) });
  if ((await row.count()) === 0) return 0;
  return Number(((await row.getByRole('cell').nth(1).textContent()) || '').trim());
}

test('a visitor finds the clinics and the students page in the menu, by keyboard', async ({ page }) => {
  test.setTimeout(120_000);

  // --- the clinics from the header's main menu -------------------------------------------------
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Ledige stillinger' })).toBeVisible();
  await checkPage(page, 'career site: /jobs');
  await tabAndEnter(page, menuLink(page, 'clinics'), 8);
  await expect(page).toHaveURL(/\/jobs\/clinics$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Klinikkene våre' })).toBeVisible();
  await checkPage(page, 'career site: the clinics');

  const items = page.locator('main ul.clinic-list > li');
  const listed = await items.evaluateAll((lis) =>
    lis.map((li) => ({
      name: (li.querySelector('a')?.textContent || '').trim(),
      href: li.querySelector('a')?.getAttribute('href') || '',
      count: (li.querySelector('.meta')?.textContent || '').trim(),
    })),
  );
  expect(listed.length, 'the demo has clinics').toBeGreaterThan(1);
  const clinics = listed.map((c) => {
    const m = /^\((.*)\)$/.exec(c.count);
    expect(m, `"${c.name}" shows its number of open ads in brackets (was "${c.count}")`).toBeTruthy();
    expect(c.href).toMatch(/^\/jobs\/clinics\/[A-Za-z0-9_-]+$/);
    return { ...c, open: parseCount(m![1]) };
  });
  const index = clinics.findIndex((c) => c.open > 0);
  expect(index, 'some clinic has open ads').toBeGreaterThanOrEqual(0);
  const clinic = clinics[index];
  test.info().annotations.push({ type: 'clinic', description: `${clinic.name} (${clinic.href}): ${clinic.open} open` });

  // --- one clinic's page, opened by keyboard -----------------------------------------------------
  await tabAndEnter(page, page.getByRole('link', { name: clinic.name, exact: true }), index + 4, true);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(clinic.href)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(clinic.name);
  await expect(page).toHaveTitle(new RegExp(`^${escapeRegExp(clinic.name)} – `));
  const why = page.getByRole('region', { name: 'Hvorfor jobbe hos oss' });
  await expect(why).toBeVisible();
  const whyText = await paragraphs(why);
  expect(whyText.length, 'the clinic says why to work there').toBeGreaterThan(0);
  expect(whyText.join(' ').length, 'a text of some length (the demo fills every clinic)').toBeGreaterThan(40);

  const open = page.getByRole('region', { name: 'Ledige stillinger' });
  await expect(open).toBeVisible();
  expect(parseCount((await open.locator('p.count').textContent()) || ''), 'the clinic page counts as the list did').toBe(clinic.open);
  const cards = open.locator('ul.cards > li.card');
  await expect(cards).toHaveCount(Math.min(clinic.open, 50));
  await expect(cards.first().getByRole('heading', { level: 3 }).getByRole('link')).toHaveAttribute('href', /^\/jobs\/\d+$/);
  const code = clinic.href.split('/').pop()!;
  await expect(open.getByRole('link', { name: 'Få e-post om nye stillinger her' })).toHaveAttribute('href', `/jobs/alerts?clinic=${code}`);
  await expect(open.getByRole('link', { name: 'RSS', exact: true })).toHaveAttribute('href', `/jobs/feed.rss?clinic=${code}`);
  if (clinic.open > 50) {
    await expect(open.getByRole('link', { name: 'Se alle i søket' })).toHaveAttribute('href', `/jobs?clinic=${code}`);
  }
  await checkPage(page, 'career site: a clinic');

  // An ad from the clinic's page, by keyboard.
  const firstAd = cards.first().getByRole('heading', { level: 3 }).getByRole('link');
  const adTitle = ((await firstAd.textContent()) || '').trim();
  const adHref = (await firstAd.getAttribute('href'))!;
  await tabAndEnter(page, firstAd, 10, true);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(adHref)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(adTitle);
  await checkPage(page, 'career site: an ad opened from a clinic');

  // --- students and new graduates from the menu -------------------------------------------------
  await tabAndEnter(page, menuLink(page, 'students'), 8);
  await expect(page).toHaveURL(/\/jobs\/students$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Studenter og nyutdannede' })).toBeVisible();
  const counts: Record<string, number> = {};
  for (const [name, target] of [
    ['For studenter', 'students'],
    ['For nyutdannede', 'new_graduates'],
  ] as const) {
    const section = page.getByRole('region', { name });
    await expect(section, `the section "${name}"`).toBeVisible();
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(name);
    const n = parseCount((await section.locator('p.count').textContent()) || '');
    counts[target] = n;
    await expect(section.locator('ul.cards > li.card')).toHaveCount(Math.min(n, 50));
    await expect(section.getByRole('link', { name: 'Se alle i søket' })).toHaveAttribute('href', `/jobs?target=${target}`);
    await expect(section.getByRole('link', { name: 'Få e-post om nye stillinger for deg' })).toHaveAttribute('href', `/jobs/alerts?target=${target}`);
  }
  test.info().annotations.push({ type: 'students', description: JSON.stringify(counts) });
  expect(counts.students + counts.new_graduates, 'the demo has ads for students or new graduates').toBeGreaterThan(0);
  await checkPage(page, 'career site: students and new graduates');

  // "Se alle i søket" under "For studenter" gives the search with the same count.
  await tabAndEnter(page, page.getByRole('region', { name: 'For studenter' }).getByRole('link', { name: 'Se alle i søket' }), 80, true);
  await expect(page).toHaveURL(/\/jobs\?target=students$/);
  expect(parseCount((await page.locator('#result-count').textContent()) || ''), 'the search finds as many as the section counted').toBe(counts.students);
  await checkPage(page, 'career site: the search for students');
});

test('the clinic list in English', async ({ page }) => {
  await page.goto('/jobs/clinics');
  await expect(page.getByRole('heading', { level: 1, name: 'Klinikkene våre' })).toBeVisible();
  await tabAndEnter(page, menu(page).getByRole('link', { name: 'English', exact: true }), 10);
  await expect(page).toHaveURL(/\/jobs\/clinics$/);
  await expect(page.locator('html')).toHaveAttribute('lang', /^en\b/);
  await expect(page.getByRole('heading', { level: 1, name: 'Our clinics' })).toBeVisible();
  await expect(page.locator('main ul.clinic-list > li').first()).toContainText(/\((\d+ vacancies|1 vacancy)\)$/);
  await checkPage(page, 'career site: the clinics in English', 'en');

  await tabAndEnter(page, menu(page, 'en').getByRole('link', { name: 'Norsk', exact: true }), 10);
  await expect(page.getByRole('heading', { level: 1, name: 'Klinikkene våre' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', /^(nb|no)\b/);
});

test('HR writes a clinic page with a picture; a wrong file is refused and the text kept', async ({ page }) => {
  test.setTimeout(180_000);
  const suffix = uniqueSuffix();
  const whyNb = [
    `Hos oss jobber du i et tverrfaglig team med tid til veiledning (${suffix}).`,
    'Vi har faste stillinger, kurs hvert år og en turnus du kan planlegge etter.',
  ];
  const whyEn = [
    `With us you work in a team of many professions with time for supervision (${suffix}).`,
    'We offer permanent positions, courses every year and a rota you can plan around.',
  ];
  const altNb = `To sykepleiere ved en pasientseng ${suffix}`;
  const altEn = `Two nurses at a patient's bed ${suffix}`;

  await keyboardLogin(page);
  await expect(page).toHaveURL(/\/admin\/?$/);
  await checkPage(page, 'admin: home');

  // --- the clinic pages from /admin ----------------------------------------------------------------
  await tabAndEnter(page, page.getByRole('link', { name: 'Klinikksider', exact: true }), 10, true);
  await expect(page).toHaveURL(/\/admin\/clinics$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Klinikksider' })).toBeVisible();
  await checkPage(page, 'admin: clinic pages');
  const first = page.locator('main ul.actions-list > li > a').first();
  const clinicName = ((await first.textContent()) || '').trim();
  const formHref = (await first.getAttribute('href'))!;
  expect(formHref).toMatch(/^\/admin\/clinics\/[A-Za-z0-9_-]+$/);
  const code = formHref.split('/').pop()!;
  const publicPath = `/jobs/clinics/${code}`;
  await tabAndEnter(page, first, 3, true);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(formHref)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(clinicName);
  await checkPage(page, 'admin: a clinic page form');

  const whyNbField = page.getByLabel('Hvorfor jobbe hos oss (bokmål)', { exact: true });
  const whyEnField = page.getByLabel('Hvorfor jobbe hos oss (engelsk)', { exact: true });
  const image = page.getByLabel('Bilde', { exact: true });
  const altNbField = page.getByLabel('Beskrivelse av bildet (bokmål)', { exact: true });
  const altEnField = page.getByLabel('Beskrivelse av bildet (engelsk)', { exact: true });
  const save = page.getByRole('button', { name: 'Lagre klinikksiden' });
  await expect(whyNbField, 'the demo text is there to edit').not.toHaveValue('');
  await expect(image).toHaveAttribute('type', 'file');

  // --- first a file that is no picture: an SVG named .png ---------------------------------------
  await skipToMain(page);
  await tabTo(page, whyNbField, 10);
  await typeParagraphs(page, whyNbField, whyNb);
  await page.keyboard.press('Tab');
  await typeParagraphs(page, whyEnField, whyEn);
  await page.keyboard.press('Tab');
  await chooseFile(page, image, { name: 'klinikk.png', mimeType: 'image/png', buffer: SVG_AS_PNG });
  await page.keyboard.press('Tab');
  await retype(page, altNbField, altNb);
  await page.keyboard.press('Tab');
  await retype(page, altEnField, altEn);
  await tabTo(page, save, 2);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(formHref)}$`));
  const imageField = page.locator('.field').filter({ has: image });
  const imageError = imageField.locator('.field-error');
  await expect(imageError, 'the error next to the field').toContainText('Bildet må være en PNG- eller JPEG-fil');
  await expect(image).toHaveAttribute('aria-invalid', 'true');
  const describedBy = ((await image.getAttribute('aria-describedby')) || '').split(/\s+/);
  expect(describedBy, 'the file input is described by its error').toContain(await imageError.getAttribute('id'));
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Bildet må være en PNG- eller JPEG-fil');
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#image');
  await expect(page.getByRole('status')).toHaveCount(0);
  // Everything typed is kept.
  await expect(whyNbField).toHaveValue(whyNb.join('\n\n'));
  await expect(whyEnField).toHaveValue(whyEn.join('\n\n'));
  await expect(altNbField).toHaveValue(altNb);
  await expect(altEnField).toHaveValue(altEn);
  await checkPage(page, 'admin: clinic page form with a refused picture');

  // Nothing was saved: the public page does not have the new text.
  const anon = await newVisitorContext(page.context().browser()!);
  try {
    const peek = await anon.newPage();
    await peek.goto(publicPath);
    await expect(peek.getByRole('region', { name: 'Hvorfor jobbe hos oss' })).not.toContainText(suffix);
    await expect(peek.locator('main img')).toHaveCount(0);
  } finally {
    await anon.close();
  }

  // --- then a real PNG, chosen again, and saved ---------------------------------------------------
  // The error summary has the focus; its link leads to the field.
  await expect(summary).toBeFocused();
  await tabTo(page, summary.getByRole('link', { name: /Bildet må være en PNG- eller JPEG-fil/ }), 3);
  await page.keyboard.press('Enter');
  await expect(image).toBeFocused();
  await chooseFile(page, image, { name: 'klinikk.png', mimeType: 'image/png', buffer: PNG_1X1 });
  await tabTo(page, save, 4);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(formHref)}\\?saved=1$`));
  const saved = page.getByRole('status');
  await expect(saved).toContainText('Klinikksiden er lagret.');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(whyNbField).toHaveValue(whyNb.join('\n\n'));
  await expect(whyEnField).toHaveValue(whyEn.join('\n\n'));
  await expect(altNbField).toHaveValue(altNb);
  await expect(altEnField).toHaveValue(altEn);
  await expect(page.getByRole('img', { name: altNb, exact: true })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Fjern bildet' })).not.toBeChecked();
  await checkPage(page, 'admin: clinic page saved');

  // --- the public page, from "Se siden" --------------------------------------------------------------
  await tabAndEnter(page, saved.getByRole('link', { name: 'Se siden' }), 5, true);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(publicPath)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(clinicName);
  expect(await paragraphs(page.getByRole('region', { name: 'Hvorfor jobbe hos oss' })), 'the new text, paragraph by paragraph').toEqual(whyNb);
  await expect(page.getByRole('region', { name: 'Ledige stillinger' })).toBeVisible();
  const picture = page.locator('main img');
  await expect(picture).toHaveCount(1);
  await expect(picture).toHaveAttribute('alt', altNb);
  await expect(picture).toBeVisible();
  await expect
    .poll(() => picture.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth), {
      message: 'the picture loads (1 pixel wide)',
    })
    .toBe(1);
  const src = (await picture.getAttribute('src'))!;
  expect(src).toMatch(new RegExp(`^${escapeRegExp(publicPath)}/image(\\?|$)`));
  const served = await page.request.get(src);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('image/png');
  expect(Buffer.compare(await served.body(), PNG_1X1), 'the picture is served as uploaded').toBe(0);
  await checkPage(page, 'career site: the clinic page with the new text and picture');

  // --- in English, with the header's "English" link --------------------------------------------------
  await tabAndEnter(page, menu(page).getByRole('link', { name: 'English', exact: true }), 12);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(publicPath)}$`));
  await expect(page.locator('html')).toHaveAttribute('lang', /^en\b/);
  await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
  expect(await paragraphs(page.getByRole('region', { name: 'Why work with us' })), 'the English text').toEqual(whyEn);
  await expect(page.getByRole('region', { name: 'Vacancies' })).toBeVisible();
  await expect(page.locator('main img')).toHaveAttribute('alt', altEn);
  await checkPage(page, 'career site: the clinic page in English', 'en');
});

test('HR sees the talent pool and where applicants come from', async ({ page }) => {
  await keyboardLogin(page);
  await expect(page).toHaveURL(/\/admin\/?$/);

  // --- the talent pool -------------------------------------------------------------------------------
  await tabAndEnter(page, page.getByRole('link', { name: 'Talentbank og jobbvarsel', exact: true }), 10, true);
  await expect(page).toHaveURL(/\/admin\/talent-pool$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Talentbank og jobbvarsel' })).toBeVisible();
  const total = (await page.locator('main p.count').textContent()) || '';
  const m = /^Bekreftede jobbvarsler: (\d+)$/.exec(total.trim());
  expect(m, `the total reads "Bekreftede jobbvarsler: N" (was "${total}")`).toBeTruthy();
  expect(Number(m![1]), 'the demo has 400 confirmed alerts').toBeGreaterThanOrEqual(400);
  const values: string[] = [];
  for (const caption of ['Per yrkesgruppe', 'Per klinikk', 'Per arbeidssted', 'Per målgruppe']) {
    const table = page.getByRole('table', { name: caption });
    await expect(table, `the table "${caption}"`).toBeVisible();
    await expect(table.getByRole('columnheader')).toHaveText(['Valg', 'Antall']);
    const cells = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(cells.length, `"${caption}" has rows`).toBeGreaterThan(0);
    values.push(...cells.map((c) => c.trim()));
  }
  for (const v of values) {
    expect(v, 'a count is a number of at least 5 or "færre enn 5"').toMatch(/^(\d+|færre enn 5)$/);
    if (/^\d+$/.test(v)) expect(Number(v), 'counts under 5 are not shown').toBeGreaterThanOrEqual(5);
  }
  expect(values, 'some small group is shown as "færre enn 5"').toContain('færre enn 5');
  await checkPage(page, 'admin: talent pool');

  // --- where applicants come from -------------------------------------------------------------------
  await page.goBack();
  await expect(page).toHaveURL(/\/admin\/?(#main)?$/);
  await tabAndEnter(page, page.getByRole('link', { name: 'Hvor søkerne kommer fra', exact: true }), 12, true);
  await expect(page).toHaveURL(/\/admin\/sources$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Hvor søkerne kommer fra' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Søknader og ansettelser per kilde, alle stillinger' });
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Kilde', 'Søknader', 'Ansatt']);
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent || '').trim())),
  );
  expect(rows.length, 'the demo has applications from several sources').toBeGreaterThan(1);
  for (const r of rows) {
    expect(r, 'a source, its applications and its hires').toHaveLength(3);
    expect(r[1]).toMatch(/^\d+$/);
    expect(r[2]).toMatch(/^\d+$/);
  }
  const names = rows.map((r) => r[0]);
  expect(names).toContain('Karrieresiden');
  expect(names.some((n) => /^Ambassadør: \S.*$/.test(n)), `an ambassador by name among ${JSON.stringify(names)}`).toBe(true);
  expect(names.some((n) => /^amb-/.test(n)), 'no ambassador shown by code').toBe(false);
  await checkPage(page, 'admin: where applicants come from');
});

test('an employee shares an ad with a personal link; a visitor applies through it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const suffix = uniqueSuffix();
  const ambassadorRow = `Ambassadør: ${HR.name}`;

  await keyboardLogin(page);
  await page.goto('/admin/sources');
  const before = await applicationsFrom(page, ambassadorRow);
  await checkPage(page, 'admin: where applicants come from (before)');

  // --- an open ad from /jobs, and its share page --------------------------------------------------
  await page.goto('/jobs');
  const firstCard = page.locator('ul.cards > li.card h2 a').first();
  const adTitle = ((await firstCard.textContent()) || '').trim();
  const adHref = (await firstCard.getAttribute('href'))!;
  expect(adHref).toMatch(/^\/jobs\/\d+$/);
  const id = adHref.split('/').pop()!;
  const sharePath = `/jobs/${id}/share`;
  await tabAndEnter(page, firstCard, 40, true);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(adHref)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(adTitle);
  await checkPage(page, 'career site: an ad, signed in');
  const asEmployee = page.getByRole('link', { name: 'Jobber du her? Del stillingen med din personlige lenke' });
  await expect(asEmployee).toHaveAttribute('href', sharePath);
  await tabAndEnter(page, asEmployee, 100, true);

  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(sharePath)}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Del stillingen som ansatt' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: adTitle, exact: true })).toHaveAttribute('href', adHref);
  const linkField = page.getByLabel('Din personlige lenke', { exact: true });
  await expect(linkField).toHaveAttribute('readonly', '');
  await expect(linkField).not.toBeEditable();
  await skipToMain(page);
  await tabTo(page, linkField, 5);
  const personal = await linkField.inputValue();
  const personalRe = new RegExp(`^${escapeRegExp(BASE_URL)}/jobs/${id}\\?src=(amb-[A-Za-z0-9_-]+)$`);
  const pm = personalRe.exec(personal);
  expect(pm, `the personal link looks like ${BASE_URL}/jobs/${id}?src=amb-<code> (was "${personal}")`).toBeTruthy();
  const source = pm![1];
  const encoded = encodeURIComponent(personal);
  const shareList = page.locator('main ul.actions-list');
  await expect(shareList.getByRole('link', { name: 'LinkedIn' })).toHaveAttribute('href', new RegExp(escapeRegExp(encoded)));
  await expect(shareList.getByRole('link', { name: 'Facebook' })).toHaveAttribute('href', new RegExp(escapeRegExp(encoded)));
  await expect(shareList.getByRole('link', { name: 'E-post' })).toHaveAttribute('href', new RegExp(`^mailto:.*${escapeRegExp(encoded)}`));
  await checkPage(page, 'career site: share an ad as an employee');
  // The link is the employee's own and stays the same.
  await page.reload();
  await expect(linkField).toHaveValue(personal);

  // --- a visitor opens the link and applies --------------------------------------------------------
  const visitorContext = await newVisitorContext(browser);
  try {
    const visitor = await visitorContext.newPage();
    const res = await visitor.goto(personal);
    expect(res?.status(), 'the personal link opens the ad').toBe(200);
    await expect(visitor).toHaveURL(personal);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(adTitle);
    await checkPage(visitor, 'career site: the ad from a personal link');

    await tabAndEnter(visitor, visitor.getByRole('link', { name: 'Søk på stillingen' }), 60, true);
    await expect(visitor).toHaveURL(new RegExp(`/jobs/${id}/apply(\\?.*)?$`));
    await expect(visitor.getByRole('heading', { level: 1, name: 'Søknad' })).toBeVisible();
    await expect(visitor.locator('input[type="hidden"][name="source"]'), 'the application remembers the link').toHaveValue(source);
    await checkPage(visitor, 'career site: application form from a personal link');
    await skipToMain(visitor);
    // Every required field by keyboard (Tab, typing, arrow keys, Space for the file chooser).
    await fillApplication(
      visitor,
      {
        givenName: 'Ambassadørvenn',
        familyName: `Delt${suffix}`,
        email: `venn-${suffix}@example.no`,
        cv: { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV Ambassadorvenn Delt${suffix}`) },
      },
      { keyboard: true },
    );
    await expect(applicationField(visitor, 'cv')).toBeFocused();
    // Past the attachments, the § 25 request, the self-declaration and the talent pool.
    await tabTo(visitor, applySubmitButton(visitor), 15);
    await visitor.keyboard.press('Enter');
    await expect(visitor.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toBeVisible();
    await checkPage(visitor, 'career site: receipt after applying through a personal link');

    // --- the share page is for employees: an anonymous visitor is sent to sign in ------------------
    await visitor.goto(sharePath);
    await expect(visitor).toHaveURL(new RegExp(`/login\\?next=(/|%2F)jobs(/|%2F)${id}(/|%2F)share$`));
    await expect(visitor.getByRole('heading', { level: 1, name: 'Logg inn' })).toBeVisible();
    await expect(visitor.getByLabel('Din personlige lenke', { exact: true })).toHaveCount(0);
    await checkPage(visitor, 'login page from the share page');
    // Signing in there leads back to the share page, with the same personal link.
    await keyboardLogin(visitor);
    await expect(visitor).toHaveURL(new RegExp(`${escapeRegExp(sharePath)}$`));
    await expect(visitor.getByLabel('Din personlige lenke', { exact: true })).toHaveValue(personal);
  } finally {
    await visitorContext.close();
  }

  // --- HR sees the application under the ambassador's name ----------------------------------------
  await page.goto('/admin/sources');
  expect(await applicationsFrom(page, ambassadorRow), `"${ambassadorRow}" counts the new application`).toBe(before + 1);
  await checkPage(page, 'admin: where applicants come from (after)');
});
