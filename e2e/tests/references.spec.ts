import { test, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import {
  checkReflow,
  factIn,
  APPLICATION_DEFAULTS,
  BASE_URL,
  HR,
  activate,
  answerScreeningQuestions,
  applicantRows,
  applicationField,
  applySubmitButton,
  checkA11y,
  chooseFilesByKeyboard,
  chooseOptionByKeyboard,
  chooseRadioByKeyboard,
  escapeRegExp,
  fact,
  fillApplication,
  minimalPdf,
  newVisitorContext,
  nextPost,
  passwordLogin,
  publishedPostings,
  retypeFocused,
  skipToMain,
  stageCounts,
  tabIntoRadioGroup,
  tabTo,
  uniqueSuffix,
  waitForMail,
  type Email,
} from './helpers';

// References (R10), by keyboard (Tab, arrow keys, Space, Enter, typing). A visitor applies through
// the career site to a demo posting none of the other specs works in (see `pickPosting`), naming
// two referees with e-mail addresses (the second row added with "Legg til referanse"). HR opens
// "Referanser" from the application page: both referees are listed as "not asked yet", and asking
// the candidate's consent while the application is still in "Mottatt" is refused (409, the error
// summary focused). HR moves the application to "Intervju" and asks: a card per referee,
// "Venter på samtykke". The candidate signs in to Min side from the e-mailed link in a browser of
// their own and consents to referee A only. HR's page then has A consented (with the request
// button) and B declined (without); HR sends A the request. A opens the e-mailed link in a third
// browser (no cookies), sends the form with one rating left out (422: the summary, focused, names
// it; everything typed is kept), completes it and gets "Takk for svaret", also when the link is
// opened again. HR reads A's answers on the card; the candidate's Min side says A has answered
// and still offers B's checkbox. The referee form and the staff page reflow at 320 CSS px, and
// axe-core (WCAG 2.1 A/AA) runs on every page visited, the refusals included.

const DEFAULT_STAGES = ['Mottatt', 'Vurdering', 'Intervju', 'Referanser og verifisering', 'Innstilling', 'Tilbud', 'Ansatt'];
const PHASE_REFUSAL = 'Referanser kan innhentes fra intervjusteget til og med tilbudet, så lenge søkeren er med i prosessen.';
const ASK = 'Be søkeren om samtykke til å kontakte referansene';
const REQUEST = 'Send forespørsel til referansen';
const NOT_ASKED = 'Oppgitt i søknaden, ikke spurt om ennå';
const Q = {
  relation: 'Hvordan kjenner du søkeren, og i hvilken periode?',
  duties: 'Hvilke oppgaver hadde søkeren?',
  competence: 'Faglig kompetanse',
  cooperation: 'Samarbeid med kolleger og pasienter',
  reliability: 'Pålitelighet og selvstendighet',
  rehire: 'Ville du ansatt søkeren igjen?',
  strengths: 'Søkerens sterke sider',
  development: 'Hva kan søkeren utvikle videre?',
  other: 'Er det noe annet du vil fortelle oss?',
};
const RATINGS = ['1 – svak', '2 – middels', '3 – god', '4 – svært god', '5 – fremragende', 'Kan ikke vurdere'];

/** The mail to `email` with exactly this subject. */
function mailTo(email: string, subject: string, what: string): Promise<Email> {
  return waitForMail((m) => (m.headers['to'] || '').includes(email) && m.subject === subject, what);
}

/**
 * From /admin, the published posting this walk applies to. The specs share one database; an
 * application of this walk's own (in "Intervju" at the end) must not change which posting another
 * spec takes. Of the published postings with applicants, the fewest first (as they list them):
 * pipeline.spec.ts takes the first with three or more in "Mottatt", blind.spec.ts the next with
 * two or more in "Mottatt", interviews.spec.ts the next after those (the blind-screened committee
 * posting and the one with the most applicants skipped) with default stages and two or more in
 * "Mottatt" (and no one at the interview before it ran), scorecards.spec.ts the one with the most
 * applicants (and its newest applicant). This walk skips all of those and takes the next one with
 * default stages that is not blind-screened and has at least two applicants fewer than the most (so
 * that one more keeps it below, and scorecards' choice stays as it was). Only the posting's count
 * of applicants and of those at the interview change; none of the other specs chooses by those
 * in a way this posting could now meet. The ad must be open to the public (`visitor` has no
 * cookies).
 */
async function pickPosting(page: Page, visitor: Page): Promise<{ id: string; title: string }> {
  const postings = await publishedPostings(page);
  const most = postings[postings.length - 1];
  let pipelines: string | null = null;
  let blinds: string | null = null;
  let interviews: string | null = null;
  for (const p of postings) {
    if (p.href === most?.href) continue;
    await page.goto(`${p.href}/applicants`);
    const counts = await stageCounts(page);
    const received = counts.get('Mottatt') ?? 0;
    if (pipelines === null && received >= 3) {
      pipelines = p.href;
      continue;
    }
    if (await page.locator('main p.notice').filter({ hasText: /^Anonym vurdering:/ }).count()) continue;
    if (blinds === null && received >= 2) {
      blinds = p.href;
      continue;
    }
    const defaults = [...counts.keys()].slice(0, DEFAULT_STAGES.length).join('|') === DEFAULT_STAGES.join('|');
    if (!defaults) continue;
    if (interviews === null && received >= 2) {
      interviews = p.href;
      continue;
    }
    if (p.n + 1 >= most.n) continue;
    // Open to the public: the ad on the career site offers "Søk på stillingen".
    const id = p.href.split('/').pop()!;
    const ad = await visitor.request.get(`/jobs/${id}`);
    if (ad.status() !== 200 || !(await ad.text()).includes(`href="/jobs/${id}/apply`)) continue;
    const title = (await page.locator('main p.meta a').first().innerText()).trim();
    return { id, title };
  }
  throw new Error('no published posting on /admin, other than those of pipeline, blind, interviews and scorecards, with default stages and no blind screening');
}

test('references: the candidate consents per referee on Min side, a consented referee answers the form by link, and HR reads the answers', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const suffix = uniqueSuffix();
  const givenName = 'Ragnhild';
  const familyName = `Referansesen${suffix}`;
  const candidate = `${givenName} ${familyName}`;
  const email = `ragnhild.${suffix}@example.no`;
  const refA = { name: `Berit Bakken ${suffix}`, relation: 'Avdelingsleder', phone: '+47 22 11 22 33', email: `berit.${suffix}@example.no` };
  const refB = { name: `Ole Olsen ${suffix}`, relation: 'Kollega', phone: '+47 22 44 55 66', email: `ole.${suffix}@example.no` };
  const labelA = `${refA.name} (${refA.relation})`;
  const labelB = `${refB.name} (${refB.relation})`;
  const moveReason = `Innkalles til intervju (${suffix}).`;
  const answers = {
    relation: `Jeg var nærmeste leder hennes på intensiv fra 2021 til 2025 (${suffix}).`,
    duties: 'Pasientbehandling på intensiv, opplæring av nyansatte og ansvarsvakter.',
    strengths: 'Rolig og grundig, også når det står på.',
  };

  // --- 1a. HR picks the posting ----------------------------------------------------------------------
  await passwordLogin(page, HR.username, HR.password);
  await expect(page).toHaveURL(/\/admin\/?$/);
  const visitorContext = await newVisitorContext(browser);
  let postingId = '';
  let title = '';
  try {
    const visitor = await visitorContext.newPage();
    ({ id: postingId, title } = await pickPosting(page, visitor));

    // --- 1b. A visitor applies, naming two referees ----------------------------------------------------
    await visitor.goto(`/jobs/${postingId}`);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
    await checkA11y(visitor, 'career site: the ad');
    await skipToMain(visitor);
    await tabTo(visitor, visitor.getByRole('link', { name: 'Søk på stillingen' }), 80);
    await visitor.keyboard.press('Enter');
    await expect(visitor).toHaveURL(new RegExp(`/jobs/${postingId}/apply(\\?.*)?$`));
    await expect(visitor.getByRole('heading', { level: 1, name: 'Søknad' })).toBeVisible();
    await checkA11y(visitor, 'career site: the application form');

    // The fields before the referees (the cover letter, the questions and the CV come after them).
    await skipToMain(visitor);
    await fillApplication(visitor, { givenName, familyName, email, coverLetter: '', cv: null }, { keyboard: true, leaveQuestions: true });
    await expect(applicationField(visitor, 'norwegian_level')).toBeFocused();
    const refRow = (n: number) => visitor.getByRole('group', { name: `Referanser ${n}`, exact: true });
    const typeReferee = async (n: number, r: typeof refA) => {
      const row = refRow(n);
      await expect(row.getByLabel('Navn', { exact: true })).toBeFocused();
      await retypeFocused(visitor, r.name);
      for (const [label, value] of [['Stilling eller forhold til deg', r.relation], ['Telefon', r.phone], ['E-post', r.email]]) {
        await visitor.keyboard.press('Tab');
        await expect(row.getByLabel(label, { exact: true })).toBeFocused();
        await retypeFocused(visitor, value);
      }
    };
    await tabTo(visitor, refRow(1).getByLabel('Navn', { exact: true }), 3);
    await typeReferee(1, refA);
    // "Legg til referanse": a second row, its first field focused, everything typed kept.
    await tabTo(visitor, visitor.getByRole('button', { name: 'Legg til referanse', exact: true }), 2);
    await visitor.keyboard.press('Enter');
    await expect(refRow(2)).toHaveCount(1);
    await expect(refRow(2).getByLabel('Navn', { exact: true })).toBeFocused({ timeout: 3_000 });
    await expect(refRow(1).getByLabel('E-post', { exact: true })).toHaveValue(refA.email);
    await expect(applicationField(visitor, 'family_name')).toHaveValue(familyName);
    await checkA11y(visitor, 'career site: the application form with two referee rows');
    await typeReferee(2, refB);
    const cover = applicationField(visitor, 'cover_letter');
    await tabTo(visitor, cover, 3);
    await retypeFocused(visitor, APPLICATION_DEFAULTS.coverLetter);
    await answerScreeningQuestions(visitor, true);
    const cvInput = applicationField(visitor, 'cv');
    await tabTo(visitor, cvInput, 30);
    await chooseFilesByKeyboard(visitor, cvInput, { name: 'cv.pdf', mimeType: 'application/pdf', buffer: minimalPdf(`CV ${candidate}`) });
    await tabTo(visitor, applySubmitButton(visitor), 15);
    await visitor.keyboard.press('Enter');
    await expect(visitor.getByRole('heading', { level: 1, name: 'Takk for søknaden' })).toBeVisible();
    await checkA11y(visitor, 'career site: application sent');
  } finally {
    await visitorContext.close();
  }

  // --- 1c. HR finds the application and its references page -----------------------------------------
  const listPath = `/admin/postings/${postingId}/applicants`;
  await page.goto(listPath);
  const row = (await applicantRows(page)).find((r) => r.name === candidate);
  expect(row, `${candidate} on the list of applicants`).toBeTruthy();
  expect(row!.stage).toBe('Mottatt');
  const appPath = `/admin/applications/${row!.id}`;
  const refsPath = `${appPath}/references`;
  await activate(page, page.getByRole('main').getByRole('link', { name: candidate, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  const refsLink = page.getByRole('main').getByRole('link', { name: 'Referanser', exact: true });
  await expect(refsLink).toHaveAttribute('href', refsPath);
  await checkA11y(page, 'admin: the application');
  await activate(page, refsLink);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(refsPath)}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Referanser: ${candidate}`);
  const main = page.getByRole('main');
  await expect(main).toContainText('Søkeren er ikke spurt om samtykke ennå.');
  const notAsked = page.getByRole('heading', { level: 3, name: NOT_ASKED, exact: true }).locator('xpath=following-sibling::ul[1]/li');
  await expect(notAsked).toHaveText([labelA, labelB]);
  await expect(page.getByRole('article')).toHaveCount(0);
  const askButton = page.getByRole('button', { name: ASK, exact: true });
  await expect(askButton).toBeVisible();
  await checkA11y(page, 'admin: references, none asked');

  // Asked while the application is still in "Mottatt": refused.
  await skipToMain(page);
  await tabTo(page, askButton, 10);
  let posted = nextPost(page, `${refsPath}/consent`);
  await page.keyboard.press('Enter');
  expect((await posted).status(), 'consent asked before the interview stage').toBe(409);
  const refusal = page.getByRole('alert');
  await expect(refusal).toBeFocused();
  await expect(refusal.getByRole('heading', { level: 2 })).toHaveText('Skjemaet har feil som må rettes');
  await expect(refusal.getByRole('link')).toHaveText([PHASE_REFUSAL]);
  await expect(page.getByRole('article'), 'no one asked').toHaveCount(0);
  await expect(notAsked).toHaveText([labelA, labelB]);
  await checkA11y(page, 'admin: references, asked too early (409)');

  // HR moves the application to "Intervju" from its page.
  await activate(page, main.locator('p.meta').getByRole('link', { name: candidate, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  const target = page.getByLabel('Flytt til', { exact: true });
  await skipToMain(page);
  await tabTo(page, target, 40);
  await chooseOptionByKeyboard(page, target, 'Intervju');
  await tabTo(page, page.getByRole('button', { name: 'Gå videre', exact: true }), 3);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}/move\\?ids=${row!.id}&target=\\d+&template=$`));
  await expect(main).toContainText('Disse søkerne flyttes til Intervju');
  await checkA11y(page, 'admin: move page (to "Intervju")');
  await skipToMain(page);
  await tabTo(page, page.getByLabel('Begrunnelse', { exact: true }), 10);
  await page.keyboard.type(moveReason);
  await tabTo(page, page.getByRole('button', { name: 'Flytt søkerne', exact: true }), 8);
  posted = nextPost(page, `${listPath}/move`);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(listPath)}\\?moved=1&refused=0$`));
  await activate(page, main.getByRole('link', { name: candidate, exact: true }));
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(appPath)}$`));
  await expect(fact(page, 'Steg')).toHaveText(/^Intervju \(siden .+\)$/);

  // Now asked: a card per referee, waiting for the candidate.
  await activate(page, refsLink);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(refsPath)}$`));
  await skipToMain(page);
  await tabTo(page, askButton, 10);
  posted = nextPost(page, `${refsPath}/consent`);
  await page.keyboard.press('Enter');
  expect((await posted).status()).toBe(303);
  await expect(page).toHaveURL(new RegExp(`${escapeRegExp(refsPath)}\\?done=asked$`));
  await expect(page.getByRole('status')).toHaveText('Søkeren er bedt om samtykke på e-post og på Min side.');
  const cardA = page.getByRole('article', { name: refA.name, exact: true });
  const cardB = page.getByRole('article', { name: refB.name, exact: true });
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByRole('article').getByRole('heading', { level: 3 })).toHaveText([refA.name, refB.name]);
  const waiting = new RegExp(`^Venter på samtykke fra søkeren\\. Spurt .+ av ${escapeRegExp(HR.name)}\\.$`);
  for (const [card, r] of [[cardA, refA], [cardB, refB]] as const) {
    await expect(card.locator('p.meta')).toHaveText(`${r.relation} · ${r.email} · ${r.phone}`);
    await expect(card.locator('p:not(.meta)')).toHaveText(waiting);
    await expect(card.getByRole('button'), 'no request before consent').toHaveCount(0);
  }
  await expect(page.getByRole('heading', { name: NOT_ASKED })).toHaveCount(0);
  await expect(askButton, 'everyone with an address is asked').toHaveCount(0);
  await checkA11y(page, 'admin: references, consent asked');

  const consentMail = await mailTo(email, `Samtykke til å kontakte referanser: ${title}`, 'the consent request to the candidate');
  const portalPath = `/portal/applications/${row!.id}`;
  const portalLink = `${BASE_URL}${portalPath}`;
  expect(consentMail.text).toContain(portalLink);
  for (const text of [`Hei, ${candidate}.`, refA.name, refB.name]) expect.soft(consentMail.text, `the consent request says "${text}"`).toContain(text);

  // --- 2. The candidate, in a browser of their own, consents to A only ---------------------------------
  const candidateContext: BrowserContext = await newVisitorContext(browser);
  const refereeContext: BrowserContext = await newVisitorContext(browser);
  try {
    const me = await candidateContext.newPage();
    await me.goto(portalLink);
    await expect(me).toHaveURL(new RegExp(`/portal\\?next=${escapeRegExp(encodeURIComponent(portalPath))}$`));
    await expect(me.getByRole('heading', { level: 1, name: 'Logg inn på Min side' })).toBeVisible();
    await checkA11y(me, 'Min side: sign-in, on the way to the application');
    await skipToMain(me);
    await tabTo(me, me.getByLabel('E-post', { exact: true }), 10);
    await me.keyboard.type(email);
    await me.keyboard.press('Enter');
    await expect(me.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    const linkMail = await mailTo(email, 'Lenke til Min side', 'the sign-in link to the candidate');
    const link = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\?next=${escapeRegExp(encodeURIComponent(portalPath))}`).exec(linkMail.text);
    expect(link, 'the sign-in link leads on to the application').toBeTruthy();
    await me.goto(link![0]);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}$`));
    await expect(me.getByRole('heading', { level: 1 })).toHaveText(title);

    const section = me.getByRole('region', { name: 'Referanser', exact: true });
    const consent = section.getByRole('group', { name: 'Hvem kan vi kontakte som referanse?', exact: true });
    const boxA = consent.getByRole('checkbox', { name: labelA, exact: true });
    const boxB = consent.getByRole('checkbox', { name: labelB, exact: true });
    const save = section.getByRole('button', { name: 'Lagre svaret', exact: true });
    await expect(consent.getByRole('checkbox')).toHaveCount(2);
    await expect(boxA).not.toBeChecked();
    await expect(boxB).not.toBeChecked();
    await checkA11y(me, 'Min side: an application, asked about referees');

    await skipToMain(me);
    await tabTo(me, boxA, 30);
    await me.keyboard.press('Space');
    await expect(boxA).toBeChecked();
    await tabTo(me, save, 3);
    posted = nextPost(me, `${portalPath}/references`);
    await me.keyboard.press('Enter');
    expect((await posted).status()).toBe(303);
    await expect(me).toHaveURL(new RegExp(`${escapeRegExp(portalPath)}\\?done=references$`));
    await expect(me.getByRole('status')).toHaveText('Svaret ditt om referanser er lagret.');
    await expect(boxA).toBeChecked();
    await expect(boxB).not.toBeChecked();
    await checkA11y(me, 'Min side: referees answered');

    // --- 3. HR: A consented, B not; the request goes to A ----------------------------------------------
    await page.goto(refsPath);
    await expect(cardA.locator('p:not(.meta)')).toHaveText(/^Søkeren samtykket .+\. Forespørselen er ikke sendt ennå\.$/);
    await expect(cardB.locator('p:not(.meta)')).toHaveText(/^Søkeren har ikke samtykket \(.+\)\. Referansen kan ikke kontaktes\.$/);
    const requestA = cardA.getByRole('button', { name: `${REQUEST} – ${refA.name}`, exact: true });
    await expect(requestA).toBeVisible();
    await expect(cardB.getByRole('button'), 'no request to a referee without consent').toHaveCount(0);
    await expect(page.getByRole('button', { name: new RegExp(`^${escapeRegExp(REQUEST)}`) })).toHaveCount(1);
    await checkA11y(page, 'admin: references, A consented and B not');

    await skipToMain(page);
    await tabTo(page, requestA, 10);
    posted = nextPost(page, `${refsPath}/${(await cardA.getAttribute('aria-labelledby'))!.replace(/^ref-/, '')}/request`);
    await page.keyboard.press('Enter');
    expect((await posted).status()).toBe(303);
    await expect(page).toHaveURL(new RegExp(`${escapeRegExp(refsPath)}\\?done=requested$`));
    await expect(page.getByRole('status')).toHaveText('Forespørselen er sendt til referansen på e-post.');
    await expect(cardA.locator('p:not(.meta)')).toHaveText(new RegExp(`^Forespørsel sendt .+ av ${escapeRegExp(HR.name)}\\. Lenken gjelder til .+\\.$`));
    await expect(page.getByRole('button', { name: new RegExp(`^${escapeRegExp(REQUEST)}`) })).toHaveCount(0);
    await checkA11y(page, 'admin: references, A asked');

    const requestMail = await mailTo(refA.email, `Referanse for ${candidate} / Reference for ${candidate}`, 'the request to referee A');
    const tokenLink = new RegExp(`${escapeRegExp(BASE_URL)}/references/[0-9a-f]{48}`).exec(requestMail.text);
    expect(tokenLink, 'the request has a link to the form').toBeTruthy();
    const formUrl = tokenLink![0];
    const formPath = new URL(formUrl).pathname;
    for (const text of [`Hei, ${refA.name}.`, title]) expect.soft(requestMail.text, `the request says "${text}"`).toContain(text);

    // --- 4. Referee A, with no cookies, answers the form ------------------------------------------------
    const ref = await refereeContext.newPage();
    const opened = await ref.goto(formUrl);
    expect(opened?.status()).toBe(200);
    await expect(ref.getByRole('heading', { level: 1 })).toHaveText(`Referanse for ${candidate}`);
    await expect(ref.getByRole('main')).toContainText(`Stilling: ${title}`);
    const text = (key: 'relation' | 'duties' | 'strengths' | 'development' | 'other') =>
      ref.getByLabel(['relation', 'duties'].includes(key) ? Q[key] : `${Q[key]} (valgfritt)`, { exact: true });
    const group = (key: 'competence' | 'cooperation' | 'reliability' | 'rehire') => ref.getByRole('group', { name: Q[key], exact: true });
    for (const key of ['competence', 'cooperation', 'reliability'] as const) {
      expect(await group(key).locator('label').allInnerTexts()).toEqual(RATINGS);
    }
    expect(await group('rehire').locator('label').allInnerTexts()).toEqual(['Ja', 'Nei', 'Usikker']);
    for (const key of ['relation', 'duties', 'strengths', 'development', 'other'] as const) await expect(text(key)).toHaveValue('');
    const send = ref.getByRole('button', { name: 'Send svaret', exact: true });
    await checkA11y(ref, 'referee: the form');
    await checkReflow(ref, 'referee: the form');

    // Everything but "Samarbeid med kolleger og pasienter".
    await skipToMain(ref);
    await tabTo(ref, text('relation'), 5);
    await ref.keyboard.type(answers.relation);
    await ref.keyboard.press('Tab');
    await expect(text('duties')).toBeFocused();
    await ref.keyboard.type(answers.duties);
    await tabIntoRadioGroup(ref, group('competence'), 2);
    await chooseRadioByKeyboard(ref, group('competence'), RATINGS[4]);
    await tabIntoRadioGroup(ref, group('reliability'), 3); // past "Samarbeid …", left out
    await chooseRadioByKeyboard(ref, group('reliability'), RATINGS[2]);
    await tabIntoRadioGroup(ref, group('rehire'), 2);
    await chooseRadioByKeyboard(ref, group('rehire'), 'Ja');
    await tabTo(ref, text('strengths'), 2);
    await ref.keyboard.type(answers.strengths);
    await tabTo(ref, send, 4);
    posted = nextPost(ref, formPath);
    await ref.keyboard.press('Enter');
    expect((await posted).status(), 'a rating left out').toBe(422);
    const summary = ref.getByRole('alert');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link')).toHaveText([`${Q.cooperation}: Velg en vurdering fra 1 til 5.`]);
    await expect(summary.getByRole('link')).toHaveAttribute('href', '#cooperation');
    await expect(ref.locator('#cooperation-error')).toHaveText('Velg en vurdering fra 1 til 5.');
    await expect(group('cooperation')).toHaveAttribute('aria-describedby', 'cooperation-error');
    // What was given is kept.
    await expect(text('relation')).toHaveValue(answers.relation);
    await expect(text('duties')).toHaveValue(answers.duties);
    await expect(text('strengths')).toHaveValue(answers.strengths);
    await expect(group('competence').getByRole('radio', { name: RATINGS[4], exact: true })).toBeChecked();
    await expect(group('reliability').getByRole('radio', { name: RATINGS[2], exact: true })).toBeChecked();
    await expect(group('rehire').getByRole('radio', { name: 'Ja', exact: true })).toBeChecked();
    for (const r of await group('cooperation').getByRole('radio').all()) await expect(r).not.toBeChecked();
    await checkA11y(ref, 'referee: a rating left out (422)');

    // The summary's link leads to the group; the rating chosen with the arrow keys, and sent.
    await tabTo(ref, summary.getByRole('link'), 2);
    await ref.keyboard.press('Enter');
    await tabIntoRadioGroup(ref, group('cooperation'), 2);
    await chooseRadioByKeyboard(ref, group('cooperation'), RATINGS[3]);
    await tabTo(ref, send, 8);
    posted = nextPost(ref, formPath);
    await ref.keyboard.press('Enter');
    expect((await posted).status()).toBe(303);
    await expect(ref).toHaveURL(formUrl);
    await expect(ref.getByRole('heading', { level: 1 })).toHaveText('Takk for svaret');
    await expect(ref.getByRole('main')).toContainText('Svaret ditt er mottatt. Du kan lukke siden.');
    await expect(ref.getByRole('textbox')).toHaveCount(0);
    await checkA11y(ref, 'referee: answered');

    // The link again: thanked, no form.
    const again = await ref.goto(formUrl);
    expect(again?.status()).toBe(200);
    await expect(ref.getByRole('heading', { level: 1 })).toHaveText('Takk for svaret');
    await expect(ref.getByRole('button', { name: 'Send svaret' })).toHaveCount(0);

    // --- 5. HR reads the answers -------------------------------------------------------------------------
    await page.goto(refsPath);
    await expect(cardA.locator('p:not(.meta)')).toHaveText(/^Svar mottatt .+\.$/);
    await expect(cardA.getByRole('term')).toHaveText([Q.relation, Q.duties, Q.competence, Q.cooperation, Q.reliability, Q.rehire, Q.strengths]);
    for (const [term, value] of [
      [Q.relation, answers.relation],
      [Q.duties, answers.duties],
      [Q.competence, RATINGS[4]],
      [Q.cooperation, RATINGS[3]],
      [Q.reliability, RATINGS[2]],
      [Q.rehire, 'Ja'],
      [Q.strengths, answers.strengths],
    ]) {
      await expect(factIn(cardA, term), `the answer to "${term}"`).toHaveText(value);
    }
    await expect(cardB.getByRole('term')).toHaveCount(0);
    await expect(cardB.locator('p:not(.meta)')).toHaveText(/^Søkeren har ikke samtykket/);
    await checkA11y(page, 'admin: references, A answered');
    await checkReflow(page, 'admin: references');

    // --- 6. The candidate's Min side: A has answered; B may still be consented to ----------------------
    await me.goto(portalPath);
    await expect(section.getByRole('listitem')).toHaveText([`${refA.name}: har svart`]);
    await expect(consent.getByRole('checkbox')).toHaveCount(1);
    await expect(boxB).not.toBeChecked();
    await checkA11y(me, 'Min side: a referee has answered');
  } finally {
    await refereeContext.close();
    await candidateContext.close();
  }
});
