import { test, expect, type Locator, type Page } from '@playwright/test';
import { promises as fs } from 'node:fs';
import {
  APPLICATION_DEFAULTS,
  BASE_URL,
  HR,
  applicationField,
  applySubmitButton,
  checkA11y,
  chooseFilesByKeyboard,
  chooseOptionByKeyboard,
  escapeRegExp,
  fillApplication,
  formatDate,
  isoDateInDays,
  minimalPdf,
  newVisitorContext,
  passwordLogin,
  retypeFocused,
  selectOptionMatching,
  tabTo,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// The full application form and the candidate's "Min side" (issue: application form and
// candidate portal). HR adds two screening questions to a new ad; a candidate applies by keyboard
// alone (Tab, typing, arrow keys, Space, Enter; the file chooser is answered with files, as a
// person picks them): first with the phone number missing (the error summary takes the focus and
// the chosen CV is kept), then complete with the questions answered, two attachments, the § 25
// exemption request and the equality self-declaration. The receipt lists what was sent; the
// candidate signs in to Min side with the e-mailed single-use link (bound to the browser that asked
// for it), sees and opens the application, downloads their data as a ZIP, withdraws the
// application and erases their data. axe-core (WCAG 2.1 A/AA) runs on every page of the app
// visited, error states included.

/** Tab to the skip link (the first stop) and follow it with Enter: the focus is then in <main>. */
async function skipToMain(page: Page): Promise<void> {
  const skip = page.getByRole('link', { name: 'Hopp til hovedinnhold' });
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
}

/** Presses Tab until the focus is inside `group` (a radio group is one Tab stop). */
async function tabInto(page: Page, group: Locator, maxTabs: number): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await group.evaluate((el) => el.contains(document.activeElement))) return;
  }
  throw new Error(`Tab ${maxTabs} times did not reach the group`);
}

/**
 * With the focus on a radio of its group, checks `radio` by keyboard: Space if it has the focus
 * and is not checked yet, else the arrow keys (which move and check).
 */
async function checkRadioByKeyboard(page: Page, radio: Locator): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const focused = await radio.evaluate((el) => el === document.activeElement);
    if (focused) {
      if (!(await radio.isChecked())) await page.keyboard.press('Space');
      await expect(radio).toBeChecked();
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error('the arrow keys did not reach the radio button');
}

/** The <dd> after the <dt>/term `term` in a list of facts. */
function fact(scope: Page | Locator, term: string): Locator {
  return scope.getByRole('term').filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** HR adds a screening question on /admin/postings/{id}/questions, by keyboard. */
async function addQuestionByKeyboard(
  page: Page,
  q: { kind: string; text: string; options?: string[]; knockout?: string },
): Promise<void> {
  const kind = page.getByLabel('Type', { exact: true });
  await kind.focus();
  await chooseOptionByKeyboard(page, kind, q.kind);
  const text = page.getByLabel('Spørsmål (bokmål)', { exact: true });
  await tabTo(page, text, 2);
  await retypeFocused(page, q.text);
  const options = page.getByLabel('Svaralternativer', { exact: true });
  await tabTo(page, options, 3);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // Enter in the textarea starts a new line: one option a line.
  if (q.options) await page.keyboard.type(q.options.join('\n'));
  const knockout = page.getByLabel('Utslagsgivende svar', { exact: true });
  await tabTo(page, knockout, 2);
  await retypeFocused(page, q.knockout ?? '');
  const required = page.getByRole('checkbox', { name: 'Søkeren må svare' });
  await tabTo(page, required, 2);
  if (!(await required.isChecked())) await page.keyboard.press('Space');
  await expect(required).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Legg til spørsmålet' }), 2);
  await page.keyboard.press('Enter');
}

/** HR writes and publishes a nurse ad (from the template); returns its id. */
async function publishAd(page: Page, title: string): Promise<string> {
  await page.getByRole('link', { name: 'Ny utlysning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ny utlysning' })).toBeVisible();
  await page.getByLabel('Start fra mal', { exact: true }).selectOption({ label: 'Sykepleier' });
  await page.getByRole('button', { name: 'Bruk malen' }).click();
  await expect(page).toHaveURL(/\/admin\/postings\/new\?template=nurse$/);
  await page.getByLabel('Tittel', { exact: true }).fill(title);
  await selectOptionMatching(page, 'Enhet', /(^|\s)Intensivavdelingen$/);
  await page.getByLabel('Ansettelsesform', { exact: true }).selectOption({ label: 'Fast' });
  await page.getByLabel('Stillingsprosent', { exact: true }).fill('100');
  await page.getByLabel('Antall stillinger', { exact: true }).fill('1');
  await page.getByLabel('Søknadsfrist', { exact: true }).fill(isoDateInDays(30));
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
  const id = new URL(page.url()).pathname.split('/').pop()!;
  const approve = page.getByRole('region', { name: 'Godkjenn og publiser' });
  await approve.getByLabel('Publiseres fra', { exact: true }).fill(''); // empty = today
  await approve.getByRole('button', { name: 'Publiser', exact: true }).click();
  await expect(fact(page, 'Status')).toContainText('Publisert');
  await expect(fact(page, 'Status')).not.toContainText('internt');
  await checkA11y(page, 'admin: the ad, published');
  return id;
}

test('HR adds screening questions; a candidate applies by keyboard, gets a receipt, and uses Min side to export, withdraw and erase', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  const suffix = uniqueSuffix();
  const title = `Sykepleier til intensiv, full søknad ${suffix}`;
  const givenName = 'Åshild';
  const familyName = `Søkersen${suffix}`;
  const email = `ashild.${suffix}@example.no`;
  const q1 = `Har du norsk autorisasjon som sykepleier? (${suffix})`;
  const q2 = `Hvilken turnus passer best for deg? (${suffix})`;
  const reason = `Jeg har ikke sagt fra til arbeidsgiveren min ennå (${suffix}).`;
  const cv = { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV ${suffix}`) };
  const attachments = [
    { name: 'vitnemal.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`Vitnemal ${suffix}`) },
    { name: 'attest.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`Attest ${suffix}`) },
  ];

  // --- a. HR publishes an ad and adds two screening questions -------------------------------------
  const hrContext = await newVisitorContext(browser);
  let postingId = '';
  try {
    const hr = await hrContext.newPage();
    await passwordLogin(hr, HR.username, HR.password);
    await expect(hr).toHaveURL(/\/admin\/?$/);
    postingId = await publishAd(hr, title);

    const questionsLink = hr.getByRole('link', { name: 'Screeningspørsmål og likestillingstall' });
    await expect(questionsLink).toHaveAttribute('href', `/admin/postings/${postingId}/questions`);
    await questionsLink.focus();
    await hr.keyboard.press('Enter');
    await expect(hr).toHaveURL(new RegExp(`/admin/postings/${postingId}/questions$`));
    await expect(hr.getByRole('heading', { level: 1, name: 'Screeningspørsmål' })).toBeVisible();
    await expect(hr.getByText('Stillingen har ingen spørsmål.')).toBeVisible();
    await checkA11y(hr, 'admin: screening questions (none yet)');

    // A yes/no question where "no" flags the application.
    await addQuestionByKeyboard(hr, { kind: 'Ja eller nei', text: q1, knockout: 'no' });
    await expect(hr).toHaveURL(new RegExp(`/admin/postings/${postingId}/questions$`));
    const list = hr.locator('ol.questions');
    await expect(list.locator(':scope > li')).toHaveCount(1);
    await expect(list).toContainText(q1);
    await expect(list).toContainText('Svaret «nei» er utslagsgivende.');
    await checkA11y(hr, 'admin: screening questions (one)');

    // A single-choice question with one option only is refused (two are needed), the text kept.
    await addQuestionByKeyboard(hr, { kind: 'Ett valg', text: q2, options: ['Dagvakt'] });
    await expect(hr.getByRole('alert')).toContainText('Skjemaet har feil som må rettes');
    await expect(hr.getByLabel('Svaralternativer', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(hr.getByLabel('Spørsmål (bokmål)', { exact: true })).toHaveValue(q2);
    await expect(hr.getByLabel('Type', { exact: true })).toHaveValue('single');
    await checkA11y(hr, 'admin: screening question refused (one option)');

    // The same with three options, the last a knock-out ("!").
    await addQuestionByKeyboard(hr, { kind: 'Ett valg', text: q2, options: ['Dagvakt', 'Kveldsvakt', '!Bare nattevakt'] });
    await expect(hr).toHaveURL(new RegExp(`/admin/postings/${postingId}/questions$`));
    await expect(list.locator(':scope > li')).toHaveCount(2);
    const second = list.locator(':scope > li').nth(1);
    await expect(second).toContainText(q2);
    await expect(second.getByRole('listitem')).toHaveText(['Dagvakt', 'Kveldsvakt', 'Bare nattevakt utslagsgivende']);
    await checkA11y(hr, 'admin: screening questions (two)');
  } finally {
    await hrContext.close();
  }

  // --- b. the candidate opens the ad and the form -------------------------------------------------
  const context = page.context();
  await page.goto(`/jobs/${postingId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await checkA11y(page, 'career site: the ad');
  const applyLink = page.getByRole('link', { name: 'Søk på stillingen' });
  await skipToMain(page);
  await tabTo(page, applyLink, 80);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/jobs/${postingId}/apply(\\?.*)?$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Søknad' })).toBeVisible();
  const q1Group = page.getByRole('group', { name: q1 });
  const q2Group = page.getByRole('group', { name: q2 });
  await expect(q1Group.getByRole('radio')).toHaveCount(2);
  await expect(q2Group.getByRole('radio')).toHaveCount(3);
  await checkA11y(page, 'career site: the application form');

  // First try, by keyboard: everything required but the phone number; the CV chosen.
  await skipToMain(page);
  // The questions are left unanswered on purpose: they must come back as errors too.
  await fillApplication(page, { givenName, familyName, email, phone: '', cv }, { keyboard: true, leaveQuestions: true });
  await expect(applicationField(page, 'cv')).toBeFocused();
  await tabTo(page, applySubmitButton(page), 30);
  await page.keyboard.press('Enter');

  // The error state: the summary is an alert and has the focus; the CV is kept.
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Skjemaet har feil som må rettes');
  await expect(summary).toBeFocused();
  const phoneError = summary.getByRole('link', { name: /^Telefon: / });
  await expect(phoneError).toHaveAttribute('href', '#phone');
  await expect(summary.getByRole('link', { name: new RegExp(`^${escapeRegExp(q1)}: `) })).toHaveAttribute('href', /^#q-\d+$/);
  await expect(summary.getByRole('link', { name: new RegExp(`^${escapeRegExp(q2)}: `) })).toHaveAttribute('href', /^#q-\d+$/);
  await expect(summary.getByRole('listitem')).toHaveCount(3);
  const phone = applicationField(page, 'phone');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAttribute('aria-describedby', 'phone-error');
  await expect(page.locator('#cv-kept')).toContainText('Vi har tatt vare på CV-en: cv.pdf');
  await expect(applicationField(page, 'cv')).not.toHaveAttribute('required', /.*/);
  await expect(applicationField(page, 'cv')).toHaveAttribute('aria-describedby', /(^| )cv-kept( |$)/);
  // What was typed is all there.
  await expect(applicationField(page, 'given_name')).toHaveValue(givenName);
  await expect(applicationField(page, 'family_name')).toHaveValue(familyName);
  await expect(applicationField(page, 'email')).toHaveValue(email);
  await expect(applicationField(page, 'birth_date')).toHaveValue(APPLICATION_DEFAULTS.birthDate);
  await expect(applicationField(page, 'municipality')).toHaveValue(APPLICATION_DEFAULTS.municipality);
  await expect(applicationField(page, 'norwegian_level')).toHaveValue('native');
  await expect(applicationField(page, 'cover_letter')).toHaveValue(APPLICATION_DEFAULTS.coverLetter);
  await checkA11y(page, 'career site: the application form with errors (no phone, questions unanswered)');

  // Complete it, by keyboard: from the summary's link to the phone field …
  await tabTo(page, phoneError, 3);
  await page.keyboard.press('Enter');
  await expect(phone, 'the summary\'s link leads to the field').toBeFocused();
  await retypeFocused(page, APPLICATION_DEFAULTS.phone);
  // … the screening questions: "Ja" (Space), "Kveldsvakt" (arrow key) …
  await tabInto(page, q1Group, 40);
  await checkRadioByKeyboard(page, q1Group.getByRole('radio', { name: 'Ja', exact: true }));
  await tabInto(page, q2Group, 2);
  await checkRadioByKeyboard(page, q2Group.getByRole('radio', { name: 'Kveldsvakt', exact: true }));
  // … the § 25 exemption request with a reason …
  const exemption = page.getByRole('checkbox', { name: 'Jeg ber om ikke å bli oppført på den offentlige søkerlisten' });
  await tabTo(page, exemption, 3);
  await page.keyboard.press('Space');
  await expect(exemption).toBeChecked();
  const reasonField = page.getByLabel('Begrunnelse', { exact: true });
  await tabTo(page, reasonField, 2);
  await page.keyboard.type(reason);
  // … the voluntary self-declaration (each radio group one Tab stop, on "Vil ikke svare") …
  for (const [group, answer] of [
    ['Kjønn', 'Kvinne'],
    ['Har du en funksjonsnedsettelse?', 'Nei'],
    ['Har du hull i CV-en?', 'Nei'],
  ] as const) {
    const g = page.getByRole('group', { name: group, exact: true });
    await tabInto(page, g, 2);
    await expect(g.getByRole('radio', { name: 'Vil ikke svare' })).toBeFocused();
    await checkRadioByKeyboard(page, g.getByRole('radio', { name: answer, exact: true }));
  }
  // … two attachments (the files come last in the form) …
  const attachmentsInput = applicationField(page, 'attachments');
  await tabTo(page, attachmentsInput, 6);
  await chooseFilesByKeyboard(page, attachmentsInput, attachments);
  // … and send it.
  await tabTo(page, applySubmitButton(page), 4);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`/jobs/${postingId}/applied$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toBeVisible();
  await checkA11y(page, 'career site: application sent');

  // --- c. the receipt lists what was sent -----------------------------------------------------------
  const toMe = (m: Email) => (m.headers['to'] || '').includes(email);
  const receipt = await waitForMail((m) => toMe(m) && m.subject.startsWith('Vi har mottatt søknaden din'), 'the receipt');
  expect(receipt.subject).toContain(title);
  for (const sent of [
    `${givenName} ${familyName}`,
    email,
    APPLICATION_DEFAULTS.phone,
    formatDate(APPLICATION_DEFAULTS.birthDate),
    `Bostedskommune: ${APPLICATION_DEFAULTS.municipality}`,
    'Norskkunnskaper: Morsmål',
    `${q1}: Ja`,
    `${q2}: Kveldsvakt`,
    'CV: cv.pdf',
    'Vedlegg: vitnemal.pdf',
    'Vedlegg: attest.pdf',
    'Du ba om ikke å bli oppført på den offentlige søkerlisten.',
    'Frivillig egenerklæring om likestilling: Besvart.',
    `${BASE_URL}/portal`,
  ]) {
    expect.soft(receipt.text, `the receipt lists "${sent}"`).toContain(sent);
  }

  // --- Min side: ask for a link in this browser ------------------------------------------------------
  await page.goto('/portal');
  await expect(page.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
  await checkA11y(page, 'Min side: sign-in');
  const emailField = page.getByLabel('E-post', { exact: true });
  const sendLink = page.getByRole('button', { name: 'Send meg en lenke' });
  // Without an address: refused, with the error summary.
  await skipToMain(page);
  await tabTo(page, sendLink, 5);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Skjemaet har feil som må rettes');
  await expect(emailField).toHaveAttribute('aria-invalid', 'true');
  await checkA11y(page, 'Min side: sign-in refused without an address');
  await emailField.focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
  await checkA11y(page, 'Min side: link sent');
  const cookies = await context.cookies(`${BASE_URL}/portal`);
  expect(cookies.map((c) => c.name), 'the browser is marked as the one that asked').toContain('tf_portal');

  const linkMail = await waitForMail((m) => toMe(m) && m.subject === 'Lenke til Min side', 'the sign-in link');
  const linkRe = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\?next=%2Fportal`);
  const linkMatch = linkRe.exec(linkMail.text);
  expect(linkMatch, `the e-mail has a link ${BASE_URL}/portal/sign-in/<48 hex>?next=%2Fportal`).toBeTruthy();
  const signInUrl = linkMatch![0];

  // --- d. the link in another browser is refused (and not spent) -------------------------------------
  const otherContext = await newVisitorContext(browser);
  try {
    const other = await otherContext.newPage();
    const res = await other.goto(signInUrl);
    expect(res?.status(), 'the link in another browser').toBe(403);
    await expect(other.getByRole('heading', { level: 1, name: 'Lenken virker ikke' })).toBeVisible();
    await expect(other.getByRole('main')).toContainText('samme nettleseren');
    await checkA11y(other, 'Min side: the link opened in another browser (403)');
    await other.goto('/portal');
    await expect(other.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
  } finally {
    await otherContext.close();
  }

  // --- the link in this browser signs in ---------------------------------------------------------------
  await page.goto(signInUrl);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(BASE_URL)}/portal$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Min side' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(`Du er logget inn som ${givenName} ${familyName} (${email})`);
  const table = page.getByRole('table', { name: 'Søknadene dine' });
  const appLink = table.getByRole('link', { name: title, exact: true });
  await expect(appLink).toHaveAttribute('href', /^\/portal\/applications\/\d+$/);
  const appPath = (await appLink.getAttribute('href'))!;
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  await expect(row).toContainText('Mottatt. Vi går gjennom søknadene etter fristen.');
  await checkA11y(page, 'Min side: the applications');

  // Used once: the same link again, even in this browser, is refused.
  const again = await page.goto(signInUrl);
  expect(again?.status(), 'a used link').toBe(403);
  await expect(page.getByRole('main')).toContainText('Lenken er allerede brukt.');
  await checkA11y(page, 'Min side: a used link (403)');

  // The session is still signed in: open the application by keyboard.
  await page.goto('/portal');
  await skipToMain(page);
  await tabTo(page, appLink, 10);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(fact(page, 'Status')).toHaveText('Mottatt. Vi går gjennom søknadene etter fristen.');
  await expect(fact(page, 'Offentlig søkerliste')).toHaveText('Du har bedt om ikke å bli oppført. Vi har ikke avgjort det ennå.');
  const documents = page.getByRole('heading', { level: 2, name: 'Dokumenter' }).locator('xpath=following-sibling::ul[1]');
  for (const name of ['cv.pdf', 'vitnemal.pdf', 'attest.pdf']) {
    await expect(documents.getByRole('link', { name, exact: true })).toHaveAttribute('href', new RegExp(`^${escapeRegExp(appPath)}/documents/\\d+$`));
  }
  await expect(page.getByRole('heading', { level: 2, name: 'Dette sendte du' })).toBeVisible();
  const sent = page.locator('dl.sent');
  await expect(fact(sent, 'Telefon')).toHaveText(APPLICATION_DEFAULTS.phone);
  await expect(fact(sent, q1)).toHaveText('Ja');
  await expect(fact(sent, q2)).toHaveText('Kveldsvakt');
  await checkA11y(page, 'Min side: the application');

  // A document of the candidate's own, downloaded again, is the PDF that was sent.
  const attest = await page.request.get(new URL((await documents.getByRole('link', { name: 'attest.pdf', exact: true }).getAttribute('href'))!, BASE_URL).href);
  expect(attest.status()).toBe(200);
  expect((await attest.body()).equals(attachments[1].buffer), 'attest.pdf comes back byte for byte').toBe(true);

  // --- download my data: a ZIP ------------------------------------------------------------------------
  await page.getByRole('main').getByRole('link', { name: 'Min side', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Min side' })).toBeVisible();
  const exportLink = page.getByRole('link', { name: 'Last ned opplysningene mine' });
  await expect(exportLink).toHaveAttribute('href', '/portal/export');
  await skipToMain(page);
  await tabTo(page, exportLink, 10);
  const downloading = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const zip = await fs.readFile(await download.path());
  expect(zip.subarray(0, 2).toString('latin1'), 'the download is a ZIP (starts with "PK")').toBe('PK');
  // Entry names are stored as they are: the data and the files sent.
  for (const entry of ['data.json', 'cv.pdf', 'vitnemal.pdf', 'attest.pdf']) {
    expect.soft(zip.includes(Buffer.from(entry)), `the ZIP has an entry ${entry}`).toBe(true);
  }

  // --- withdraw the application --------------------------------------------------------------------------
  await page.goto('/portal');
  await skipToMain(page);
  await tabTo(page, appLink, 10);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  const withdraw = page.getByRole('button', { name: 'Trekk søknaden' });
  await expect(withdraw).toHaveCount(1);
  await withdraw.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}\\?done=withdrawn$`));
  await expect(page.getByRole('status')).toHaveText('Søknaden er trukket. Vi har sendt deg en bekreftelse.');
  await expect(fact(page, 'Status')).toHaveText('Trukket.');
  await expect(page.getByRole('button', { name: 'Trekk søknaden' })).toHaveCount(0);
  await checkA11y(page, 'Min side: the application withdrawn');
  const withdrawn = await waitForMail((m) => toMe(m) && m.subject === `Søknaden er trukket: ${title}`, 'the withdrawal confirmation');
  expect(withdrawn.text).toContain(title);

  // --- erase my data ---------------------------------------------------------------------------------------
  await page.goto('/portal');
  await expect(row).toContainText('Trukket.');
  const eraseLink = page.getByRole('link', { name: 'Slett opplysningene mine' });
  await skipToMain(page);
  await tabTo(page, eraseLink, 15);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/portal\/erase$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Slett opplysningene mine' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Søknader vi sletter nå: 1');
  await expect(page.getByRole('main')).toContainText('Søknader vi må beholde: 0');
  await checkA11y(page, 'Min side: erase my data');
  const eraseNow = page.getByRole('button', { name: 'Slett nå' });
  await skipToMain(page);
  await tabTo(page, eraseNow, 5);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Opplysningene er slettet' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Vi har slettet én søknad.');
  await checkA11y(page, 'Min side: data erased');

  // Signed out: Min side and the application's address ask for a new link.
  await page.goto('/portal');
  await expect(page.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
  await page.goto(appPath);
  await expect(page).toHaveURL(new RegExp(`/portal\\?next=${escapeRegExp(encodeURIComponent(appPath))}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
});

test('the application form: Enter in a field sends it, errors are listed, and it reflows at 320 CSS pixels', async ({ page }) => {
  // An open ad from the demo data.
  await page.goto('/jobs');
  const first = page.locator('ul.cards > li.card h2 a').first();
  const href = (await first.getAttribute('href'))!;
  expect(href).toMatch(/^\/jobs\/\d+$/);

  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`${href}/apply`);
  await expect(page.getByRole('heading', { level: 1, name: 'Søknad' })).toBeVisible();
  const width = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await width(), 'the form: document.documentElement.scrollWidth at a 320px wide viewport').toBeLessThanOrEqual(320);
  await checkA11y(page, 'career site: the application form at 320 px');

  // Enter in a text field sends the form (the hidden default button), not "Legg til utdanning".
  await applicationField(page, 'given_name').focus();
  await page.keyboard.type('Smal');
  await page.keyboard.press('Enter');
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Skjemaet har feil som må rettes');
  await expect(summary).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(href)}/apply$`));
  await expect(page.getByLabel('Studiested', { exact: true })).toHaveCount(1); // no row added
  await expect(applicationField(page, 'given_name')).toHaveValue('Smal');
  for (const field of ['family_name', 'email', 'phone', 'birth_date', 'municipality', 'norwegian_level', 'cover_letter', 'cv']) {
    await expect.soft(summary.locator(`a[href="#${field}"]`), `the summary links to #${field}`).toHaveCount(1);
  }
  expect(await width(), 'the form with errors: scrollWidth at 320px').toBeLessThanOrEqual(320);
  await checkA11y(page, 'career site: the application form with errors at 320 px');

  // "Legg til utdanning" (Tab from the filled row, Enter) adds a row and keeps what was typed.
  // (Where the focus goes then: the next test.)
  const institution1 = page.locator('#education_institution-1');
  await expect(page.getByLabel('Studiested', { exact: true })).toHaveAttribute('id', 'education_institution-1');
  await institution1.focus();
  await page.keyboard.type('Universitetet i Oslo');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Utdanning eller grad', { exact: true })).toBeFocused();
  await page.keyboard.type('Bachelor i sykepleie');
  await tabTo(page, page.getByRole('button', { name: 'Legg til utdanning' }), 3);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Studiested', { exact: true })).toHaveCount(2);
  await expect(page.getByRole('group', { name: 'Utdanning 2', exact: true }).getByLabel('Studiested', { exact: true })).toHaveValue('');
  await expect(institution1).toHaveValue('Universitetet i Oslo');
  await expect(page.locator('#education_degree-1')).toHaveValue('Bachelor i sykepleie');
  await expect(applicationField(page, 'given_name')).toHaveValue('Smal');
  expect(await width(), 'the form with two education rows: scrollWidth at 320px').toBeLessThanOrEqual(320);
  await checkA11y(page, 'career site: the application form with an added education row at 320 px');

  // Min side's sign-in page reflows too.
  await page.goto('/portal');
  await expect(page.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
  expect(await width(), 'Min side: scrollWidth at 320px').toBeLessThanOrEqual(320);
});

test('after "Legg til utdanning" the new row\'s first field has the focus', async ({ page }) => {
  // The redirect after "Legg til …" carries no fragment, so the new row's `autofocus` runs
  // (a browser skips autofocus when the address names a target element; WCAG 2.4.3).
  await page.goto('/jobs');
  const href = (await page.locator('ul.cards > li.card h2 a').first().getAttribute('href'))!;
  await page.goto(`${href}/apply`);
  const institution1 = page.locator('#education_institution-1');
  await institution1.focus();
  await page.keyboard.type('Universitetet i Oslo');
  await tabTo(page, page.getByRole('button', { name: 'Legg til utdanning' }), 5);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Studiested', { exact: true })).toHaveCount(2);
  await expect(page.locator('#education_institution-2')).toBeFocused({ timeout: 3_000 });
});
