import { test, expect, type Browser, type Locator, type Page } from '@playwright/test';
import {
  ASSESSOR,
  BASE_URL,
  HR,
  activate,
  checkA11y,
  checkReflow,
  chooseOptionByKeyboard,
  escapeRegExp,
  isoDateInDays,
  newVisitorContext,
  passwordLogin,
  runApp,
  skipToMain,
  sql,
  tabTo,
  uniqueSuffix,
  waitForMail,
} from './helpers';

// Inkluderingsdugnaden (R15): HR's page /admin/inclusion, counts per clinic and settled calendar
// year from the voluntary equality self-declarations, small groups hidden.
//
// Only settled years are offered: a year shows from 1 February the year after, and the first
// read freezes its figures per posting unit (inclusion_years, inclusion_snapshots). The demo
// (run.sh) has declarations for postings closed since New Year's Day last year, so the newest
// settled year has a few of them and the years before it none. For the rules that need several
// clinics (the Sum row, the secondary suppression, the order of the clinics, the share against
// the target) the spec writes two years of its own into the database before they are first read
// (beforeAll, by SQL, references E2E-INKL-<year>-<n>): postings closed in years that nothing else
// in the suite touches, with made-up applicants, all in final phases and stage_since in that
// year, so that no job reminds or surveys anyone and no other spec can pick them up.
//
// 1. Hanne HR (e2e-hr) goes from /admin to "Inkluderingsdugnaden" by keyboard (skip link, Tab,
//    Enter): the newest settled year; the select offers it and the nine before. The page is
//    lang="nb", not stored (Cache-Control no-store), the texts say "funksjonsnedsettelse", a
//    non-breaking space before "%", and the 1 February rule; the table has a caption, th
//    scope=col for its ten columns and th scope=row for each row; axe-core passes and it
//    reflows at 320 CSS px. The seeded year chosen with the select by keyboard and "Vis" shows
//    the table worked out by hand below (SEEDED); an empty year says so, naming the year.
// 2. Every first read of a year is checked: the inclusion_years row is written then, and the
//    snapshot per posting unit is what the spec works out from the database just before,
//    independently of the app's SQL: per posting (not a draft; deadline in the year and passed)
//    and its applications: declared = disability or cv_gap 'yes'; qualified = declared, no
//    knocked-out screening answer, and not withdrawn without ever having been moved to
//    interview or later; interviewed = qualified and now in, or ever moved to, interview/
//    references/recommendation/offer/hired; hired = phase 'hired'. The table is then held
//    against a port of domain::inclusion and of the page (the whole trust's clinics hidden as
//    one table in the tree's order, org_units.path then id, by row and suppress; then the
//    clinics within the reader's units, in the Norwegian order of their names, and the Sum only
//    for a reader who sees them all) over the frozen figures, and against the documented rules
//    by themselves.
// 3. Frozen: after the seeded year is read, one of its declared applicants who was never
//    called is set to 'interview' in the database (a change the live figures would show);
//    the page, reloaded, and the snapshot are unchanged.
// 4. No applicant's name or e-mail address (candidates with a declaration) is on the page, nor
//    any e-mail address at all in <main>.
// 5. In English (the header's "English" link): "Inclusion drive", the English headers, clinics
//    in the order of their English names, the same figures; axe-core again. The same cells are
//    hidden in both languages, and nothing hidden can be worked out from the two together; a
//    second seeded year has two clinics with equal figures (their names in opposite orders in
//    the two languages): the one first in the tree is hidden in both, as worked out by hand.
// 6. Only HR: a manager (e2e-leder) has no link and gets 403, as does an employee; a candidate
//    signed in to Min side and an anonymous visitor are sent to /login. An HR advisor over one
//    clinic sees that clinic only, its cells as the trust-wide table has them (hidden there to
//    protect other clinics, too), and no Sum; an HR advisor over a department holds no whole
//    clinic and sees no figures, only a sentence saying why (and an empty year says it is
//    empty). An HR advisor over a whole clinic that had no posting in a year is not told that
//    they hold no whole clinic.
// 7. Junk and unoffered years (?year=abc, 1800, this year, ten years back, empty …) give 200
//    with the newest settled year and freeze nothing; the oldest year offered is taken.

const MIN_GROUP = 5;
const TARGET_PERCENT = 5;
const FROM_INTERVIEW = new Set(['interview', 'references', 'recommendation', 'offer', 'hired']);
const NBSP = '\u00a0';

const WORDS = {
  nb: {
    title: 'Inkluderingsdugnaden',
    caption: 'Inkluderingsdugnaden per klinikk',
    columns: [
      'Klinikk',
      'Stillinger',
      'Søkere som oppga funksjonsnedsettelse eller hull i CV-en',
      'Av dem kvalifisert',
      'Av dem kalt inn til intervju',
      'Stillinger med minst én slik kvalifisert søker',
      'Av dem stillinger der ingen ble kalt inn',
      'Ansatte',
      'Ansatte som oppga funksjonsnedsettelse eller hull i CV-en',
      'Andel av de ansatte',
    ],
    hidden: 'skjult',
    total: 'Sum',
    met: 'målet er nådd',
    below: 'under målet',
    noHires: 'ingen ble ansatt',
    none: (year: number) => `Ingen stillinger hadde søknadsfrist i ${year}.`,
    noClinic: 'Tallene vises per klinikk, og du har ikke tilgang til en hel klinikk.',
    intro: `Målet er at minst ${TARGET_PERCENT}${NBSP}% av dem vi ansetter, har en funksjonsnedsettelse eller hull i CV-en.`,
    withdrawn: 'og ikke trakk søknaden før søkeren ble kalt inn',
    settled: 'Tallene for et år vises fra 1. februar året etter, og de låses første gang de vises, så de ikke endrer seg fra dag til dag.',
    note: `Grupper med færre enn ${MIN_GROUP} personer vises som «skjult»`,
    year: 'År',
    show: 'Vis',
    decimal: ',',
  },
  en: {
    title: 'Inclusion drive',
    caption: 'Inclusion drive per clinic',
    columns: [
      'Clinic',
      'Postings',
      'Applicants who declared a disability or a CV gap',
      'Of them qualified',
      'Of them called to interview',
      'Postings with at least one such qualified applicant',
      'Of them postings where none was called',
      'Hired',
      'Hired who declared a disability or a CV gap',
      'Share of those hired',
    ],
    hidden: 'hidden',
    total: 'Total',
    met: 'target reached',
    below: 'below target',
    noHires: 'no one hired',
    none: (year: number) => `No postings had their deadline in ${year}.`,
    noClinic: 'The figures are shown per clinic, and you do not have access to a whole clinic.',
    intro: `The target is that at least ${TARGET_PERCENT}${NBSP}% of the people we hire have a disability or a gap in their CV.`,
    withdrawn: 'and the applicant did not withdraw before being called',
    settled: "A year's figures are shown from 1 February the year after, and they are frozen the first time they are shown, so they do not change from day to day.",
    note: `Groups of fewer than ${MIN_GROUP} people show as "hidden"`,
    year: 'Year',
    show: 'Show',
    decimal: '.',
  },
} as const;
type Lang = keyof typeof WORDS;

// ---------------------------------------------------------------------------
// Years.

/** The Norwegian date of today (the app counts days in Europe/Oslo). */
const today = () => isoDateInDays(0);
const thisYear = () => Number(today().slice(0, 4));
/** The newest settled year: last year from 1 February, else the year before. */
const latest = () => (today().slice(5) >= '02-01' ? thisYear() - 1 : thisYear() - 2);
/** The seeded year with the five clinics (chosen with the select by keyboard). */
const seededYear = () => latest() - 2;
/** The seeded year with a tie between two clinics. */
const tieYear = () => latest() - 4;
/** A year offered with no posting at all. */
const emptyYear = () => latest() - 1;
const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------
// The true figures, from the database, and the frozen ones.

interface Counts {
  postings: number;
  declared: number;
  qualified: number;
  interviewed: number;
  postingsWith: number;
  postingsInterviewed: number;
  hires: number;
  hiresDeclared: number;
}
const zero = (): Counts => ({ postings: 0, declared: 0, qualified: 0, interviewed: 0, postingsWith: 0, postingsInterviewed: 0, hires: 0, hiresDeclared: 0 });
function add(a: Counts, b: Counts): void {
  for (const k of Object.keys(a) as (keyof Counts)[]) a[k] += b[k];
}

interface Unit { id: number; kind: string; path: string; nameNb: string; nameEn: string; code: string }
interface ClinicCounts { unit: Unit; counts: Counts }

function units(): Unit[] {
  return (sql('SELECT id, kind, path, name_nb, name_en, code FROM org_units ORDER BY path') as [number, string, string, string, string, string][]).map(
    ([id, kind, path, nameNb, nameEn, code]) => ({ id, kind, path, nameNb, nameEn, code }),
  );
}
function unitByCode(code: string): Unit {
  const u = units().find((x) => x.code === code);
  expect(u, `the demo organisation has a unit ${code}`).toBeTruthy();
  return u!;
}

/**
 * The true figures per posting unit (keyed by the unit's path) for the postings whose deadline
 * fell in `year` and has passed, worked out here from the rows.
 */
function liveCounts(year: number): Record<string, Counts> {
  const byId = new Map(units().map((u) => [u.id, u]));
  const now = today();
  const postings = (sql("SELECT id, unit_id, deadline FROM postings WHERE status <> 'draft'") as [number, number, string][]).filter(
    ([, , deadline]) => deadline.slice(0, 4) === String(year) && deadline < now,
  );
  const perPosting = new Map<number, Counts>(postings.map(([id]) => [id, zero()]));
  const apps = sql(
    `SELECT a.posting_id, a.phase, COALESCE(e.disability, ''), COALESCE(e.cv_gap, ''),
            (SELECT COUNT(*) FROM application_answers x WHERE x.application_id = a.id AND x.knocked_out <> 0),
            COALESCE((SELECT group_concat(t.to_phase, ' ') FROM application_transitions t WHERE t.application_id = a.id), '')
       FROM applications a LEFT JOIN equality_declarations e ON e.application_id = a.id`,
  ) as [number, string, string, string, number, string][];
  for (const [postingId, phase, disability, cvGap, knockedOut, movedTo] of apps) {
    const c = perPosting.get(postingId);
    if (!c) continue;
    const everCalled = movedTo.split(' ').some((p) => FROM_INTERVIEW.has(p));
    const declared = disability === 'yes' || cvGap === 'yes';
    const qualified = declared && knockedOut === 0 && !(phase === 'withdrawn' && !everCalled);
    const interviewed = qualified && (FROM_INTERVIEW.has(phase) || everCalled);
    const hired = phase === 'hired';
    c.declared += +declared;
    c.qualified += +qualified;
    c.interviewed += +interviewed;
    c.hires += +hired;
    c.hiresDeclared += +(declared && hired);
  }
  const out: Record<string, Counts> = {};
  for (const [id, unitId] of postings) {
    const c = perPosting.get(id)!;
    const path = byId.get(unitId)!.path;
    out[path] ??= zero();
    add(out[path], { ...c, postings: 1, postingsWith: +(c.qualified > 0), postingsInterviewed: +(c.interviewed > 0) });
  }
  return out;
}

/** The frozen figures of `year` per posting unit (keyed by path), as inclusion_snapshots holds them. */
function frozenCounts(year: number): Record<string, Counts> {
  const rows = sql(
    `SELECT u.path, s.postings, s.declared, s.qualified, s.interviewed, s.postings_with, s.postings_interviewed, s.hires, s.hires_declared
       FROM inclusion_snapshots s JOIN org_units u ON u.id = s.unit_id WHERE s.year = ? ORDER BY u.path`,
    [year],
  ) as [string, ...number[]][];
  const out: Record<string, Counts> = {};
  for (const [path, postings, declared, qualified, interviewed, postingsWith, postingsInterviewed, hires, hiresDeclared] of rows) {
    out[path] = { postings, declared, qualified, interviewed, postingsWith, postingsInterviewed, hires, hiresDeclared };
  }
  return out;
}

/** When `year` was frozen (inclusion_years.frozen_at), or null if it has not been read. */
function frozenAt(year: number): number | null {
  const rows = sql('SELECT frozen_at FROM inclusion_years WHERE year = ?', [year]);
  return rows.length ? Number(rows[0][0]) : null;
}

/**
 * Runs `open`, a page load that reads `year`. If the year had not been read before, it must be
 * frozen by that load: its inclusion_years row written meanwhile, and its snapshot per posting
 * unit the figures worked out here from the database just before. Read again, nothing changes.
 */
async function read(year: number, open: () => Promise<unknown>): Promise<void> {
  const before = frozenAt(year);
  const live = before === null ? liveCounts(year) : null;
  const t0 = nowSeconds();
  await open();
  const at = frozenAt(year);
  expect(at, `${year} is frozen (inclusion_years) once read`).not.toBeNull();
  if (live) {
    expect(at!, `${year}: frozen at the first read`).toBeGreaterThanOrEqual(t0 - 1);
    expect(at!, `${year}: frozen at the first read`).toBeLessThanOrEqual(nowSeconds() + 1);
    expect(frozenCounts(year), `${year}: the frozen figures per posting unit (inclusion_snapshots) are the database's at the first read`).toEqual(live);
    test.info().annotations.push({ type: `frozen ${year}`, description: JSON.stringify(live) });
  } else {
    expect(at, `${year}: frozen once only`).toBe(before);
  }
}

/** The tree's order of units: by org_units.path (as bytes: "/1/123/" before "/1/2/"), then id. */
function treeOrder(a: Unit, b: Unit): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.id - b.id;
}

/**
 * The whole trust's figures per clinic (a posting unit outside every clinic counts as its own),
 * in the tree's order: the one table that is hidden, whoever reads it.
 */
function byClinic(perUnit: Record<string, Counts>): ClinicCounts[] {
  const all = units();
  const clinics: ClinicCounts[] = [];
  for (const path of Object.keys(perUnit).sort()) {
    const clinic = all.find((u) => u.kind === 'clinic' && path.startsWith(u.path)) ?? all.find((u) => u.path === path)!;
    let c = clinics.find((x) => x.unit.id === clinic.id);
    if (!c) clinics.push((c = { unit: clinic, counts: zero() }));
    add(c.counts, perUnit[path]);
  }
  return clinics.sort((a, b) => treeOrder(a.unit, b.unit));
}

// ---------------------------------------------------------------------------
// A port of domain::inclusion (row, suppress) and of the page's order: what may be shown.

interface Shown {
  postings: number;
  declared: number | null;
  qualified: number | null;
  interviewed: number | null;
  postingsWith: number | null;
  postingsMissed: number | null;
  hires: number;
  hiresDeclared: number | null;
}

const ok = (n: number) => n === 0 || n >= MIN_GROUP;

/** One row on its own. */
function row(c: Counts): Shown {
  const s: Shown = { postings: c.postings, hires: c.hires, declared: null, qualified: null, interviewed: null, postingsWith: null, postingsMissed: null, hiresDeclared: null };
  // Of the hired (known people) at least five declared and five not, or nobody hired.
  if (c.hires === 0 || (c.hiresDeclared >= MIN_GROUP && c.hires - c.hiresDeclared >= MIN_GROUP)) s.hiresDeclared = c.hiresDeclared;
  if (!ok(c.declared)) return s;
  s.declared = c.declared;
  if (!(ok(c.qualified) && ok(c.declared - c.qualified))) return s;
  s.qualified = c.qualified;
  if (!(ok(c.interviewed) && ok(c.qualified - c.interviewed))) return s;
  s.interviewed = c.interviewed;
  s.postingsWith = c.postingsWith;
  s.postingsMissed = c.postingsWith - c.postingsInterviewed;
  return s;
}

type Column = 'declared' | 'qualified' | 'interviewed' | 'postingsWith' | 'postingsMissed' | 'hiresDeclared';
const COLUMNS: [Column, (c: Counts) => number][] = [
  ['declared', (c) => c.declared],
  ['qualified', (c) => c.qualified],
  ['interviewed', (c) => c.interviewed],
  ['postingsWith', (c) => c.postingsWith],
  ['postingsMissed', (c) => c.postingsWith - c.postingsInterviewed],
  ['hiresDeclared', (c) => c.hiresDeclared],
];

/**
 * Where the total shows a column's cell and the rows hide one, or hidden rows that add up to
 * under five, the next smallest non-empty shown cell goes too (the first in the rows' order on
 * a tie), until neither holds; with none left, the total's cell.
 */
function suppress(rows: Counts[]): { shown: Shown[]; sum: Shown } {
  const total = zero();
  rows.forEach((c) => add(total, c));
  const shown = rows.map(row);
  const sum = row(total);
  for (const [col, value] of COLUMNS) {
    if (sum[col] === null) continue;
    const hidden = shown.map((s, i) => (s[col] === null ? i : -1)).filter((i) => i >= 0);
    if (hidden.length === 0) continue;
    let n = hidden.length;
    let hiddenSum = hidden.reduce((t, i) => t + value(rows[i]), 0);
    while (n === 1 || hiddenSum < MIN_GROUP) {
      let next = -1;
      shown.forEach((s, i) => {
        if (s[col] !== null && value(rows[i]) > 0 && (next < 0 || value(rows[i]) < value(rows[next]))) next = i;
      });
      if (next < 0) {
        sum[col] = null;
        break;
      }
      shown[next][col] = null;
      n += 1;
      hiddenSum += value(rows[next]);
    }
  }
  return { shown, sum };
}

/** domain::applicant_list::sort_key(name, ""): lowercased, "aa" as å, æ/ä, ø/ö and å after z. */
function sortKey(name: string): number[] {
  return [...`${name.trim()} `.toLowerCase().replaceAll('aa', 'å')].map((ch) =>
    ch === 'æ' || ch === 'ä' ? 0x7b : ch === 'ø' || ch === 'ö' ? 0x7c : ch === 'å' ? 0x7d : ch.codePointAt(0)!,
  );
}
function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
const nameOf = (u: Unit, lang: Lang) => (lang === 'nb' ? u.nameNb : u.nameEn);

/** The clinics in the page's order: by their names in `lang`, Norwegian alphabetical order (stable). */
function ordered(clinics: ClinicCounts[], lang: Lang): ClinicCounts[] {
  return [...clinics].sort((a, b) => compareKeys(sortKey(nameOf(a.unit, lang)), sortKey(nameOf(b.unit, lang))));
}

/** The share as the page writes it: "x,y % (målet er nådd)", with a non-breaking space. */
function shareText(lang: Lang, permille: number, met: boolean): string {
  const w = WORDS[lang];
  return `${Math.floor(permille / 10)}${w.decimal}${permille % 10}${NBSP}% (${met ? w.met : w.below})`;
}

/** A row as the table should show it: the unit, eight figures and the share. */
function line(lang: Lang, unit: string, s: Shown): string[] {
  const w = WORDS[lang];
  const cell = (v: number | null) => (v === null ? w.hidden : String(v));
  let share: string;
  if (s.hiresDeclared !== null && s.hires > 0) {
    const permille = Math.floor((s.hiresDeclared * 1000 + Math.floor(s.hires / 2)) / s.hires);
    share = shareText(lang, permille, permille >= TARGET_PERCENT * 10);
  } else {
    share = s.hires === 0 ? w.noHires : w.hidden;
  }
  return [unit, String(s.postings), cell(s.declared), cell(s.qualified), cell(s.interviewed), cell(s.postingsWith), cell(s.postingsMissed), String(s.hires), cell(s.hiresDeclared), share];
}

/**
 * The table a reader whose units are `scope` (a path) sees: the whole trust's clinics hidden as
 * one table in the tree's order, whatever the language or the reader; then the clinics wholly
 * within `scope` (path prefix), by name in `lang`; the Sum only when that is every clinic, and
 * more than one.
 */
function expectedTable(lang: Lang, clinics: ClinicCounts[], scope = '/'): string[][] {
  const inTree = [...clinics].sort((a, b) => treeOrder(a.unit, b.unit));
  const { shown, sum } = suppress(inTree.map((c) => c.counts));
  const shownOf = new Map(inTree.map((c, i) => [c.unit.id, shown[i]]));
  const seen = ordered(inTree.filter((c) => c.unit.path.startsWith(scope)), lang);
  const rows = seen.map((c) => line(lang, nameOf(c.unit, lang), shownOf.get(c.unit.id)!));
  if (seen.length === inTree.length && rows.length > 1) rows.push(line(lang, WORDS[lang].total, sum));
  return rows;
}

// ---------------------------------------------------------------------------
// The two seeded years.

type Fate = 'rejected' | 'called' | 'hired' | 'withdrew' | 'withdrewAfterCall';
/** `n` applicants alike: declared (a disability or a CV gap) or not, knocked out by a screening answer or not, and what became of them. */
interface Group { n: number; declared: boolean; knocked?: boolean; fate: Fate }
/** A closed posting with its deadline in the year, on the clinic `clinic` (by code) or the first `under` unit within it that has no other posting. */
interface Planned { clinic: string; under?: 'department' | 'section'; groups: Group[] }

const REF = 'E2E-INKL';

/**
 * The seeded year with five clinics. Per clinic (declared / qualified / interviewed; postings
 * with a qualified declared applicant / of them with one called; hired / hired who declared):
 *   AKU 20/15/10, 3/2, 125/6: all shown; 6 of 125 hired declared, 4,8 % (under the target)
 *   KRE 12/10/5, 1/1, 7/5: 12 − 10 = 2 knocked out hides "qualified" on; 7 − 5 = 2 hides the hired who declared
 *   KVI 3/3/1, 1/1, 0/0: three declared, hidden; nobody hired ("ingen ble ansatt")
 *   MED 11/6/6, 2/2, 10/0: four knocked out, one withdrew before being called (not qualified, or
 *       qualified would be 7 and hidden) and one after (qualified, or it would be 5); none of
 *       the ten hired declared: hidden
 *   NVR 1/1/0, 1/0, 3/0: hidden
 *   Sum 47/35/22, 8/6, 145/11: 7,6 % (the target reached)
 * Then the total gives away by difference: "declared" hides KVI and NVR, 3 + 1 < 5, so MED's
 * (the smallest shown) goes too; "postings with" hides KRE, KVI and NVR, 1 + 1 + 1 < 5, so
 * MED's 2 goes; "of them none called" hides NVR's 1 (KRE's and KVI's are 0), then AKU's 1, and
 * with only MED's 0 left, the Sum's.
 */
const SEEDED: Planned[] = [
  {
    clinic: 'AKU',
    groups: [
      { n: 6, declared: true, fate: 'hired' },
      { n: 119, declared: false, fate: 'hired' },
      { n: 2, declared: true, knocked: true, fate: 'rejected' },
      { n: 2, declared: true, fate: 'called' },
      { n: 4, declared: false, fate: 'rejected' },
    ],
  },
  {
    clinic: 'AKU',
    under: 'department',
    groups: [
      { n: 3, declared: true, knocked: true, fate: 'rejected' },
      { n: 2, declared: true, fate: 'called' },
      { n: 2, declared: true, fate: 'rejected' },
      { n: 2, declared: false, fate: 'called' },
    ],
  },
  { clinic: 'AKU', groups: [{ n: 3, declared: true, fate: 'rejected' }, { n: 2, declared: false, fate: 'rejected' }] },
  {
    clinic: 'KRE',
    under: 'section',
    groups: [
      { n: 2, declared: true, knocked: true, fate: 'rejected' },
      { n: 5, declared: true, fate: 'hired' },
      { n: 5, declared: true, fate: 'rejected' },
      { n: 2, declared: false, fate: 'hired' },
    ],
  },
  { clinic: 'KVI', groups: [{ n: 1, declared: true, fate: 'called' }, { n: 2, declared: true, fate: 'rejected' }, { n: 3, declared: false, fate: 'rejected' }] },
  {
    clinic: 'MED',
    groups: [
      { n: 4, declared: true, knocked: true, fate: 'rejected' },
      { n: 1, declared: true, fate: 'withdrew' },
      { n: 1, declared: true, fate: 'withdrewAfterCall' },
      { n: 10, declared: false, fate: 'hired' },
      { n: 2, declared: false, knocked: true, fate: 'rejected' },
    ],
  },
  { clinic: 'MED', under: 'department', groups: [{ n: 5, declared: true, fate: 'called' }] },
  { clinic: 'NVR', groups: [{ n: 1, declared: true, fate: 'rejected' }, { n: 3, declared: false, fate: 'hired' }] },
];

/** The seeded year's table, worked out by hand from SEEDED (null = hidden). */
const SEEDED_SHOWN: Record<string, { cells: (number | null)[]; share: 'none' | null | [number, boolean] }> = {
  // [postings, declared, qualified, interviewed, postings with, of them none called, hired, hired who declared]
  AKU: { cells: [3, 20, 15, 10, 3, null, 125, 6], share: [48, false] },
  KRE: { cells: [1, 12, null, null, null, null, 7, null], share: null },
  KVI: { cells: [1, null, null, null, null, null, 0, 0], share: 'none' },
  MED: { cells: [2, null, 6, 6, null, 0, 10, null], share: null },
  NVR: { cells: [1, null, null, null, null, null, 3, null], share: null },
  Sum: { cells: [8, 47, 35, 22, 8, null, 145, 11], share: [76, true] },
};
/** The order of the clinics: by name in each language (Akuttklinikken … / Division of Cancer Medicine …). */
const SEEDED_ORDER: Record<Lang, string[]> = { nb: ['AKU', 'KRE', 'KVI', 'MED', 'NVR'], en: ['KRE', 'NVR', 'AKU', 'KVI', 'MED'] };

function seededTable(lang: Lang): string[][] {
  const w = WORDS[lang];
  return [...SEEDED_ORDER[lang], 'Sum'].map((code) => {
    const { cells, share } = SEEDED_SHOWN[code];
    const name = code === 'Sum' ? w.total : nameOf(unitByCode(code), lang);
    const shareCell = share === 'none' ? w.noHires : share === null ? w.hidden : shareText(lang, share[0], share[1]);
    return [name, ...cells.map((v) => (v === null ? w.hidden : String(v))), shareCell];
  });
}

/**
 * The tie year: AKU and KRE have the same figures (6 declared, all qualified, none called), KVI
 * three declared. The total gives KVI's three away unless one of AKU and KRE is hidden too, and
 * it has to be the same one whatever the language: Akuttklinikken sorts before Kreftklinikken,
 * but "Division of Emergencies …" after "Division of Cancer Medicine". It is the one first in
 * the tree (org_units.path, then id), in both.
 */
const TIE: Planned[] = [
  { clinic: 'AKU', groups: [{ n: 6, declared: true, fate: 'rejected' }, { n: 2, declared: false, fate: 'rejected' }] },
  { clinic: 'KRE', groups: [{ n: 6, declared: true, fate: 'rejected' }, { n: 3, declared: false, fate: 'rejected' }] },
  { clinic: 'KVI', groups: [{ n: 3, declared: true, fate: 'rejected' }, { n: 1, declared: false, fate: 'rejected' }] },
];

/**
 * The tie year's table, worked out by hand from TIE. Per clinic (declared / qualified /
 * interviewed; postings with / of them with one called; hired): AKU and KRE 6/6/0, 1/0, 0;
 * KVI 3/3/0, 1/0, 0; Sum 15/15/0, 3/0, 0. KVI's row is hidden (three declared), so in the tree's
 * order: "declared" and "qualified" hide the first of AKU and KRE with it (6 + 3 ≥ 5);
 * "interviewed" hides only KVI's nought and has no other non-empty cell to hide, so the Sum's
 * goes; "postings with" and "of them none called" (1 each) hide all three and then the Sum's.
 * Nobody was hired, so the hired who declared are 0 everywhere and there is no share.
 */
function tieTable(lang: Lang): string[][] {
  const w = WORDS[lang];
  const [aku, kre, kvi] = ['AKU', 'KRE', 'KVI'].map(unitByCode);
  const [first, second] = treeOrder(aku, kre) < 0 ? [aku, kre] : [kre, aku];
  const H = null;
  const text = (cells: (number | null)[]) => [...cells.map((v) => (v === null ? w.hidden : String(v))), w.noHires];
  const clinics: [Unit, (number | null)[]][] = [
    [first, [1, H, H, 0, H, H, 0, 0]],
    [second, [1, 6, 6, 0, H, H, 0, 0]],
    [kvi, [1, H, H, H, H, H, 0, 0]],
  ];
  return [
    ...clinics
      .sort(([a], [b]) => compareKeys(sortKey(nameOf(a, lang)), sortKey(nameOf(b, lang))))
      .map(([u, cells]) => [nameOf(u, lang), ...text(cells)]),
    [w.total, ...text([3, 15, 15, H, H, H, 0, 0])],
  ];
}

/** The phases an applicant went through, after 'applied', to their fate. */
const PATH_OF: Record<Fate, string[]> = {
  rejected: ['rejected'],
  called: ['interview', 'rejected'],
  hired: ['interview', 'offer', 'hired'],
  withdrew: ['withdrawn'],
  withdrewAfterCall: ['interview', 'withdrawn'],
};

/** The seeded candidates' e-mail addresses start so. */
const seedEmail = (year: number, n: number) => `inkludering.${year}.${n}@example.no`;

/**
 * Writes a seeded year (postings, candidates, applications, screening answers, declarations
 * and phase transitions), unless it is there already (a worker restarted after a failure). The
 * year must not have been read, nor have any other posting.
 */
function seed(year: number, plan: Planned[]): void {
  if (Number(sql('SELECT COUNT(*) FROM postings WHERE reference LIKE ?', [`${REF}-${year}-%`])[0][0]) > 0) return;
  expect(frozenAt(year), `${year} must not have been read before it is seeded`).toBeNull();
  expect(Number(sql('SELECT COUNT(*) FROM postings WHERE deadline >= ? AND deadline < ?', [`${year}-01-01`, `${year + 1}-01-01`])[0][0]), `no posting has its deadline in ${year}`).toBe(0);
  const [profession, engagement] = sql("SELECT profession, engagement FROM postings WHERE status = 'closed' ORDER BY id LIMIT 1")[0] as [string, string];
  const at = (month: number, day: number) => Date.UTC(year, month - 1, day, 9) / 1000;
  const deadline = `${year}-06-15`;

  // The postings.
  const refs: string[] = [];
  const postingParams: (string | number)[] = [];
  plan.forEach((p, i) => {
    const clinic = unitByCode(p.clinic);
    let unitId = clinic.id;
    if (p.under) {
      const found = sql(
        `SELECT id FROM org_units WHERE kind = ? AND path LIKE ? AND id NOT IN (SELECT unit_id FROM postings WHERE reference NOT LIKE ?) ORDER BY path LIMIT 1`,
        [p.under, `${clinic.path}%`, `${REF}-%`],
      );
      expect(found.length, `a ${p.under} in ${p.clinic} without postings`).toBe(1);
      unitId = Number(found[0][0]);
    }
    const ref = `${REF}-${year}-${i + 1}`;
    const title = `Inkluderingstest ${year} nr. ${i + 1}`;
    refs.push(ref);
    postingParams.push(ref, unitId, title, `Inclusion test ${year} no. ${i + 1}`, 'Stilling for testen av inkluderingsdugnaden.', profession, engagement, deadline, deadline, at(5, 1), at(4, 20), at(6, 16), title.toLowerCase());
  });
  sql(
    `INSERT INTO postings (reference, unit_id, title, title_en, body, profession, engagement, extent_percent, positions, deadline, original_deadline, status, published_at, created_at, updated_at, title_search)
     VALUES ${plan.map(() => "(?, ?, ?, ?, ?, ?, ?, 100, 1, ?, ?, 'closed', ?, ?, ?, ?)").join(', ')}`,
    postingParams,
  );

  // The applicants, one candidate each.
  interface Person { ref: string; email: string; declared: boolean; knocked: boolean; fate: Fate; k: number }
  const people: Person[] = [];
  plan.forEach((p, i) => {
    for (const g of p.groups) {
      for (let j = 0; j < g.n; j++) {
        const k = people.length + 1;
        people.push({ ref: refs[i], email: seedEmail(year, k), declared: g.declared, knocked: !!g.knocked, fate: g.fate, k });
      }
    }
  });
  const values = (cols: number, n: number) => Array.from({ length: n }, () => `(${Array(cols).fill('?').join(', ')})`).join(', ');
  sql(
    `INSERT INTO candidates (email, email_key, given_name, family_name, created_at) VALUES ${values(5, people.length)}`,
    people.flatMap((x) => [x.email, x.email, 'Testsøker', `Inkludering${year}x${x.k}`, at(6, 1)]),
  );
  const last = (x: Person) => PATH_OF[x.fate].at(-1)!;
  const decided = at(8, 1);
  sql(
    `WITH v(ref, email, phase, withdrawn_at) AS (VALUES ${values(4, people.length)})
     INSERT INTO applications (posting_id, candidate_id, phase, source, submitted_at, updated_at, lang, stage_since, withdrawn_at)
     SELECT p.id, c.id, v.phase, 'career_site', ?, ?, 'nb', ?, NULLIF(v.withdrawn_at, 0)
       FROM v JOIN postings p ON p.reference = v.ref JOIN candidates c ON c.email = v.email`,
    [...people.flatMap((x) => [x.ref, x.email, last(x), last(x) === 'withdrawn' ? decided : 0]), at(6, 1), decided, decided],
  );
  const app = `FROM v JOIN candidates c ON c.email = v.email JOIN applications a ON a.candidate_id = c.id`;
  // Declarations: those who declared said yes to a disability, a CV gap or both; of the others,
  // every other one answered no to both, the rest declared nothing.
  const declarations = people.filter((x) => x.declared || x.k % 2 === 0);
  const yesNo = (x: Person): [string, string] => (!x.declared ? ['no', 'no'] : x.k % 3 === 0 ? ['yes', ''] : x.k % 3 === 1 ? ['no', 'yes'] : ['yes', 'yes']);
  sql(
    `WITH v(email, disability, cv_gap) AS (VALUES ${values(3, declarations.length)})
     INSERT INTO equality_declarations (application_id, posting_id, gender, disability, cv_gap, created_at)
     SELECT a.id, a.posting_id, '', v.disability, v.cv_gap, ? ${app}`,
    [...declarations.flatMap((x) => [x.email, ...yesNo(x)]), at(6, 1)],
  );
  // One screening answer each: knocked out or not.
  sql(
    `WITH v(email, knocked) AS (VALUES ${values(2, people.length)})
     INSERT INTO application_answers (application_id, position, question_id, question_nb, question_en, answer_nb, answer_en, knocked_out)
     SELECT a.id, 0, NULL, 'Har du relevant utdanning?', 'Do you have relevant education?',
            CASE v.knocked WHEN 1 THEN 'Nei' ELSE 'Ja' END, CASE v.knocked WHEN 1 THEN 'No' ELSE 'Yes' END, v.knocked ${app}`,
    people.flatMap((x) => [x.email, x.knocked ? 1 : 0]),
  );
  // The phases they went through.
  const moves = people.flatMap((x) => {
    const phases = ['applied', ...PATH_OF[x.fate]];
    return phases.slice(1).map((to, i) => [x.email, i, phases[i], to, to === 'withdrawn' ? 1 : 0] as (string | number)[]);
  });
  sql(
    `WITH v(email, n, from_phase, to_phase, by_candidate) AS (VALUES ${values(5, moves.length)})
     INSERT INTO application_transitions (application_id, at, user_id, by_candidate, from_phase, to_phase, reason)
     SELECT a.id, ? + v.n * 86400, NULL, v.by_candidate, v.from_phase, v.to_phase, '' ${app}`,
    [...moves.flat(), at(6, 20)],
  );
}

// ---------------------------------------------------------------------------
// The page.

/** The table's body rows as text, cell by cell (the row header first); a non-breaking space is kept. */
async function rowsOf(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent || '').replace(/[ \t\r\n]+/g, ' ').trim())),
  );
}

function tableOf(page: Page, lang: Lang): Locator {
  return page.getByRole('main').getByRole('table', { name: WORDS[lang].caption, exact: true });
}

/** <main>'s text as it is, non-breaking spaces and all. */
async function mainText(page: Page): Promise<string> {
  return (await page.getByRole('main').textContent()) || '';
}

/**
 * The table agrees with the frozen figures of `year` as a reader over `scope` (a path) should
 * see them, through the port; or, with no row to show, the sentence says why: the year had no
 * posting, or the reader holds no whole clinic (which is said first). The headers are right, every row has a th
 * scope=row; and what is shown keeps to the documented rules by itself. Returns the rows.
 */
async function expectFigures(page: Page, lang: Lang, year: number, what: string, scope = '/'): Promise<string[][]> {
  const w = WORDS[lang];
  await expect(page.getByLabel(w.year, { exact: true }), `${what}: the year chosen`).toHaveValue(String(year));
  const clinics = byClinic(frozenCounts(year));
  const expected = expectedTable(lang, clinics, scope);
  const table = tableOf(page, lang);
  if (expected.length === 0) {
    await expect(page.getByRole('main').getByRole('table')).toHaveCount(0);
    const text = await mainText(page);
    if (!units().some((u) => u.kind === 'clinic' && u.path.startsWith(scope))) {
      // No whole clinic in the reader's units: that is why, whatever the year had.
      expect(text, `${what}: no clinic wholly within ${scope}`).toContain(w.noClinic);
      expect(text, `${what}: not a matter of the year`).not.toContain(w.none(year));
    } else {
      expect(text, `${what}: the reader holds a whole clinic (none of whose units had a posting in ${year}): not told otherwise`).not.toContain(w.noClinic);
      if (clinics.length === 0) expect(text, `${what}: no posting in ${year}`).toContain(w.none(year));
    }
    return [];
  }
  await expect(table.locator('caption')).toHaveText(w.caption);
  const heads = table.locator('thead th');
  await expect(heads).toHaveText([...w.columns]);
  expect(await heads.evaluateAll((ths) => ths.map((th) => th.getAttribute('scope')))).toEqual(Array(10).fill('col'));
  const rowHeads = table.locator('tbody tr > th');
  await expect(rowHeads).toHaveCount(expected.length);
  expect(await rowHeads.evaluateAll((ths) => ths.map((th) => th.getAttribute('scope')))).toEqual(Array(expected.length).fill('row'));
  const rows = await rowsOf(table);
  expect(rows, `${what}: the table agrees, row by row, with the frozen figures of ${year}`).toEqual(expected);
  const seesAll = clinics.every((c) => c.unit.path.startsWith(scope));
  expect(rows.at(-1)![0] === w.total, `${what}: the Sum row last, exactly when the reader sees every clinic, and more than one`).toBe(seesAll && clinics.length > 1);
  expectWithinRules(rows, lang, what);
  test.info().annotations.push({ type: `table ${year} (${lang}, ${scope})`, description: rows.map((r) => r.join(' | ')).join('\n') });
  return rows;
}

/**
 * The rules of domain::inclusion, held against what is shown (not the port): no group of 1–4 in
 * a cell, none as the difference between a cell and the one it is part of (declared ⊇ qualified
 * ⊇ interviewed); of the hired, who declared is shown only where nobody was hired or at least
 * five declared and five did not; and where the total shows a column's figure and clinics hide
 * theirs, they are at least two and add up (the total less the clinics shown) to five or more.
 */
function expectWithinRules(rows: string[][], lang: Lang, what: string): void {
  const w = WORDS[lang];
  const num = (s: string) => (s === w.hidden ? null : Number(s));
  const col = (i: number) => w.columns[i];
  for (const r of rows) {
    for (const i of [2, 3, 4, 8]) {
      const v = num(r[i]);
      if (v !== null) expect.soft(ok(v), `${what}: "${r[0]}", ${col(i)} = ${v}: a group of 1–4 shown`).toBe(true);
    }
    for (const [whole, part] of [[2, 3], [3, 4]]) {
      const [a, b] = [num(r[whole]), num(r[part])];
      if (a !== null && b !== null) expect.soft(ok(a - b), `${what}: "${r[0]}": ${col(whole)} ${a} less ${col(part)} ${b} = ${a - b}, a group of 1–4`).toBe(true);
    }
    const [hires, hd] = [Number(r[7]), num(r[8])];
    if (hd !== null) {
      expect.soft(hires === 0 || (hd >= MIN_GROUP && hires - hd >= MIN_GROUP), `${what}: "${r[0]}": ${hd} of ${hires} hired declared, shown`).toBe(true);
    }
    const shareShown = r[9] !== w.hidden && r[9] !== w.noHires;
    expect.soft(shareShown, `${what}: "${r[0]}": the share is shown exactly when the hired who declared are (and someone was hired)`).toBe(hd !== null && hires > 0);
    if (shareShown) expect.soft(r[9], `${what}: "${r[0]}": the share, a non-breaking space before %`).toMatch(new RegExp(`^\\d+\\${w.decimal}\\d${NBSP}% \\((${w.met}|${w.below})\\)$`));
  }
  if (rows.length > 1 && rows.at(-1)![0] === w.total) {
    const clinics = rows.slice(0, -1);
    const sum = rows.at(-1)!;
    for (const i of [2, 3, 4, 5, 6, 8]) {
      const total = num(sum[i]);
      if (total === null) continue;
      const hidden = clinics.filter((r) => num(r[i]) === null).map((r) => r[0]);
      if (hidden.length === 0) continue;
      const rest = total - clinics.reduce((t, r) => t + (num(r[i]) ?? 0), 0);
      expect.soft(hidden.length, `${what}: ${col(i)}: the total less the others gives away ${hidden.join(', ')}`).toBeGreaterThan(1);
      expect.soft(rest, `${what}: ${col(i)}: the total less the clinics shown says ${hidden.join(', ')} add up to ${rest}`).toBeGreaterThanOrEqual(MIN_GROUP);
    }
  }
}

/**
 * The same year in both languages: the same clinics, the same cells hidden, and nothing hidden
 * that the two tables worked out together give away (a total less what either language shows).
 */
function expectSameHidden(nb: string[][], en: string[][], year: number): void {
  const all = units();
  const codeOf = (lang: Lang, name: string) => (name === WORDS[lang].total ? 'Sum' : all.find((u) => u.kind === 'clinic' && nameOf(u, lang) === name)?.code ?? name);
  const table = (lang: Lang, rows: string[][]) =>
    new Map(rows.map((r) => [codeOf(lang, r[0]), r.slice(1, 9).map((c) => (c === WORDS[lang].hidden ? null : Number(c)))]));
  const [a, b] = [table('nb', nb), table('en', en)];
  expect([...b.keys()].sort(), `${year}: the same clinics in English`).toEqual([...a.keys()].sort());
  const leaks: string[] = [];
  for (let i = 1; i < 8; i++) {
    const total = a.get('Sum')?.[i] ?? b.get('Sum')?.[i] ?? null;
    if (total === null) continue;
    const clinics = [...a.keys()].filter((k) => k !== 'Sum');
    const known = (k: string) => a.get(k)![i] ?? b.get(k)![i];
    const unknown = clinics.filter((k) => known(k) === null);
    const rest = total - clinics.reduce((t, k) => t + (known(k) ?? 0), 0);
    if (unknown.length === 1 || (unknown.length > 1 && rest < MIN_GROUP)) {
      leaks.push(`${WORDS.nb.columns[i + 1]}: Norwegian shows ${clinics.filter((k) => a.get(k)![i] !== null).map((k) => `${k} ${a.get(k)![i]}`).join(', ')}; English ${clinics.filter((k) => b.get(k)![i] !== null).map((k) => `${k} ${b.get(k)![i]}`).join(', ')}; the total ${total} then gives ${unknown.join(' + ')} = ${rest}`);
    }
  }
  expect.soft(leaks, `${year}: nothing hidden can be worked out from the Norwegian and the English table together`).toEqual([]);
  const masks = (m: Map<string, (number | null)[]>) => Object.fromEntries([...m].map(([k, v]) => [k, v.map((c) => (c === null ? 'hidden' : 'shown')).join(' ')]));
  expect.soft(masks(b), `${year}: the same cells hidden in English as in Norwegian`).toEqual(masks(a));
}

/** Signs in with a password and waits until the back office says so. */
async function signIn(page: Page, user: { username: string; password: string; name: string }): Promise<void> {
  await passwordLogin(page, user.username, user.password);
  await expect(page.getByText(`Innlogget som ${user.name}`)).toBeVisible();
}

/** A new staff user with a password (the HR password), by `talentflyt user create`. */
async function createStaff(browser: Browser, role: string, unit: string, name: string) {
  const username = `e2e-${role.replace('_', '-')}-${uniqueSuffix()}`;
  await runApp(['user', 'create', '--username', username, '--email', `${username}@ous.example`, '--name', name, '--password', HR.password, '--role', role, '--unit', unit]);
  const context = await newVisitorContext(browser);
  const page = await context.newPage();
  await signIn(page, { username, password: HR.password, name });
  return { context, page };
}

/** Opens /admin/inclusion?year= (a read of that year, checked by `read`). */
async function openYear(page: Page, year: number): Promise<void> {
  await read(year, async () => {
    const res = await page.goto(`/admin/inclusion?year=${year}`);
    expect(res?.status(), `?year=${year}`).toBe(200);
  });
}

/** Switches the page to English (or back) with the header's link, as a keyboard user would. */
async function switchTo(page: Page, lang: Lang): Promise<void> {
  await activate(page, page.getByRole('link', { name: lang === 'en' ? 'English' : 'Norsk', exact: true }));
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

// ---------------------------------------------------------------------------

test.beforeAll(() => {
  seed(seededYear(), SEEDED);
  seed(tieYear(), TIE);
});

test('HR reaches Inkluderingsdugnaden by keyboard: the newest settled year, frozen when first read; a year chosen by keyboard; an empty year', async ({ page }) => {
  test.setTimeout(120_000);
  const year = latest();
  await signIn(page, HR);
  await page.goto('/admin');
  await skipToMain(page);
  await tabTo(page, page.getByRole('main').getByRole('link', { name: WORDS.nb.title, exact: true }), 20);
  await read(year, async () => {
    const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/inclusion');
    await page.keyboard.press('Enter');
    expect((await response).status()).toBe(200);
    expect((await response).headers()['cache-control'] || '', 'special-category figures are not stored').toContain('no-store');
  });
  await expect(page).toHaveURL(/\/admin\/inclusion(\?year=\d{4})?$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page).toHaveTitle(new RegExp(escapeRegExp(WORDS.nb.title)));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(WORDS.nb.title);
  const text = await mainText(page);
  expect(text, 'the target, with a non-breaking space before %').toContain(WORDS.nb.intro);
  expect(text, 'the definition of qualified').toContain(WORDS.nb.withdrawn);
  expect(text, 'when a year is shown, and that it is frozen').toContain(WORDS.nb.settled);
  expect(text).toContain(WORDS.nb.note);
  expect(text, 'the form\'s wording: funksjonsnedsettelse').not.toMatch(/nedsatt funksjonsevne/i);

  // The year select: the newest settled year and the nine before, newest first, that one chosen.
  const select = page.getByLabel(WORDS.nb.year, { exact: true });
  expect(await select.locator('option').allTextContents()).toEqual(Array.from({ length: 10 }, (_, i) => String(year - i)));
  await expect(select).toHaveValue(String(year));

  // The demo's few declarations in the newest settled year: mostly "skjult" at e2e scale.
  await expectFigures(page, 'nb', year, 'the newest settled year');
  await checkA11y(page, 'inclusion: the newest settled year');

  // --- privacy: no applicant's name or address --------------------------------------------------
  const html = await page.content();
  const declared = sql(
    `SELECT c.given_name, c.family_name, c.email FROM candidates c
       JOIN applications a ON a.candidate_id = c.id JOIN equality_declarations e ON e.application_id = a.id
       JOIN postings p ON p.id = a.posting_id
      WHERE (e.disability = 'yes' OR e.cv_gap = 'yes') AND p.deadline >= ? AND p.deadline < ? ORDER BY a.id LIMIT 12`,
    [`${year}-01-01`, `${year + 1}-01-01`],
  ) as [string, string, string][];
  expect(declared.length, `the demo has applicants who declared in ${year}`).toBeGreaterThan(0);
  for (const [given, family, email] of declared) {
    expect.soft(html, 'no applicant name on the page').not.toContain(`${given} ${family}`);
    expect.soft(html.toLowerCase(), 'no applicant e-mail address on the page').not.toContain(email.toLowerCase());
  }
  const noAddress = async (what: string) =>
    expect((await page.getByRole('main').innerHTML()).match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? [], `${what}: no e-mail address in <main>`).toEqual([]);
  await noAddress('the newest settled year');
  await checkReflow(page, 'inclusion: the newest settled year');

  // --- the seeded year, by keyboard: the select, then "Vis" -------------------------------------
  const chosen = seededYear();
  await page.goto('/admin/inclusion');
  await skipToMain(page);
  await tabTo(page, select, 3);
  await chooseOptionByKeyboard(page, select, String(chosen));
  await tabTo(page, page.getByRole('button', { name: WORDS.nb.show, exact: true }), 2);
  await read(chosen, async () => {
    const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/inclusion');
    await page.keyboard.press('Enter');
    expect((await response).status()).toBe(200);
  });
  await expect(page).toHaveURL(new RegExp(`/admin/inclusion\\?year=${chosen}$`));
  const rows = await expectFigures(page, 'nb', chosen, 'the seeded year');
  expect(rows, `the seeded year (${chosen}) as worked out by hand: clinics in alphabetical order, the Sum last`).toEqual(seededTable('nb'));
  const seededPeople = sql('SELECT given_name, family_name, email FROM candidates WHERE email LIKE ? ORDER BY id', [`inkludering.${chosen}.%`]) as [string, string, string][];
  expect(seededPeople.length).toBeGreaterThan(100);
  const seededHtml = (await page.content()).toLowerCase();
  for (const [given, family, email] of seededPeople) {
    if (seededHtml.includes(`${given} ${family}`.toLowerCase()) || seededHtml.includes(email)) {
      expect.soft(`${given} ${family} <${email}>`, 'no seeded applicant on the page').toBe('');
    }
  }
  await noAddress('the seeded year');
  await checkA11y(page, 'inclusion: the seeded year');
  await checkReflow(page, 'inclusion: the seeded year');

  // --- a year without postings -------------------------------------------------------------------
  const empty = emptyYear();
  await openYear(page, empty);
  expect(frozenCounts(empty), `${empty}: frozen with no figures`).toEqual({});
  await expectFigures(page, 'nb', empty, 'a year without postings');
  await expect(page.getByRole('table')).toHaveCount(0);
  await checkA11y(page, 'inclusion: a year without postings');
});

test("a year's figures are frozen the first time they are read: a later change in the database does not move them", async ({ page }) => {
  const year = seededYear();
  await signIn(page, HR);
  await openYear(page, year);
  const before = await rowsOf(tableOf(page, 'nb'));
  expect(before, 'the seeded year as first read').toEqual(seededTable('nb'));
  const frozen = frozenCounts(year);
  const frozenWhen = frozenAt(year);

  // One of Akuttklinikken's declared, qualified applicants who was never called is called now.
  const [[appId]] = sql(
    `SELECT a.id FROM applications a JOIN postings p ON p.id = a.posting_id JOIN org_units u ON u.id = p.unit_id
       JOIN equality_declarations e ON e.application_id = a.id
      WHERE p.reference LIKE ? AND u.code = 'AKU' AND a.phase = 'rejected' AND (e.disability = 'yes' OR e.cv_gap = 'yes')
        AND NOT EXISTS (SELECT 1 FROM application_answers x WHERE x.application_id = a.id AND x.knocked_out <> 0)
        AND NOT EXISTS (SELECT 1 FROM application_transitions t WHERE t.application_id = a.id AND t.to_phase = 'interview')
      ORDER BY a.id LIMIT 1`,
    [`${REF}-${year}-%`],
  ) as [number][];
  // (reminded_at now: the waiting-reminder job, were it to run, has nothing to say about it.)
  sql("UPDATE applications SET phase = 'interview', reminded_at = ? WHERE id = ?", [nowSeconds(), appId]);
  const live = liveCounts(year);
  expect(live, 'the live figures have moved').not.toEqual(frozen);
  expect(expectedTable('nb', byClinic(live)), 'and live, the table would show it').not.toEqual(before);

  const res = await page.reload();
  expect(res?.status()).toBe(200);
  expect(await rowsOf(tableOf(page, 'nb')), 'the table after the change: as frozen').toEqual(before);
  expect(frozenCounts(year), 'inclusion_snapshots unchanged').toEqual(frozen);
  expect(frozenAt(year), 'inclusion_years unchanged').toBe(frozenWhen);
  await expectFigures(page, 'nb', year, 'after the change');
});

test('Inkluderingsdugnaden in English: the same figures, the clinics in the order of their English names, the same cells hidden', async ({ page }) => {
  test.setTimeout(120_000);
  const year = latest();
  await signIn(page, HR);
  await openYear(page, year);
  const nbLatest = await expectFigures(page, 'nb', year, 'the newest settled year in Norwegian');
  await openYear(page, seededYear());
  const nbSeeded = await expectFigures(page, 'nb', seededYear(), 'the seeded year in Norwegian');
  try {
    await page.goto('/admin/inclusion');
    await switchTo(page, 'en');
    await expect(page).toHaveURL(/\/admin\/inclusion(\?year=\d{4})?$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(WORDS.en.title);
    const text = await mainText(page);
    expect(text, 'the target, with a non-breaking space before %').toContain(WORDS.en.intro);
    expect(text).toContain(WORDS.en.withdrawn);
    expect(text).toContain(WORDS.en.settled);
    expect(text).toContain(WORDS.en.note);
    const enLatest = await expectFigures(page, 'en', year, 'the newest settled year in English');
    expectSameHidden(nbLatest, enLatest, year);
    await checkA11y(page, 'inclusion in English');

    await openYear(page, seededYear());
    const enSeeded = await expectFigures(page, 'en', seededYear(), 'the seeded year in English');
    expect(enSeeded, 'the seeded year in English as worked out by hand').toEqual(seededTable('en'));
    expectSameHidden(nbSeeded, enSeeded, seededYear());
    await checkA11y(page, 'inclusion in English: the seeded year');

    await openYear(page, emptyYear());
    await expectFigures(page, 'en', emptyYear(), 'a year without postings in English');
  } finally {
    // And back to bokmål.
    await switchTo(page, 'nb');
  }
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(WORDS.nb.title);
});

test('two clinics with the same figures: the one first in the tree is hidden in Norwegian and English alike, so the two tables do not give the third away', async ({ page }) => {
  const year = tieYear();
  await signIn(page, HR);
  await openYear(page, year);
  const nb = await expectFigures(page, 'nb', year, 'the tie year in Norwegian');
  let en: string[][] = [];
  try {
    await switchTo(page, 'en');
    await openYear(page, year);
    en = await expectFigures(page, 'en', year, 'the tie year in English');
  } finally {
    await switchTo(page, 'nb');
  }
  // The names sort the two tied clinics in opposite orders in the two languages, so a tie broken
  // by the page's order would hide a different one in each.
  const [aku, kre] = [unitByCode('AKU'), unitByCode('KRE')];
  expect(Math.sign(compareKeys(sortKey(aku.nameNb), sortKey(kre.nameNb))), 'the tied clinics sort one way in Norwegian …').toBe(
    -Math.sign(compareKeys(sortKey(aku.nameEn), sortKey(kre.nameEn))),
  );
  const first = treeOrder(aku, kre) < 0 ? aku : kre;
  const kvi = unitByCode('KVI');
  expect(nb, `${year} in Norwegian as worked out by hand: ${first.nameNb}, first in the tree, hidden with ${kvi.nameNb}`).toEqual(tieTable('nb'));
  expect(en, `${year} in English as worked out by hand: ${first.nameEn}, first in the tree, hidden with ${kvi.nameEn}`).toEqual(tieTable('en'));
  expectSameHidden(nb, en, year);
});

test('a junk or unoffered year gives the newest settled year and freezes nothing; the oldest year offered is taken', async ({ page }) => {
  const year = latest();
  await signIn(page, HR);
  const junk = ['abc', '1800', String(thisYear()), String(year + 1), String(year + 2), String(year - 10), '', `${year}.0`, '-1', '%20' + (year - 1)];
  for (const j of junk) {
    await read(year, async () => {
      const res = await page.goto(`/admin/inclusion?year=${j}`);
      expect(res?.status(), `?year=${j}`).toBe(200);
    });
    await expect(page.getByLabel(WORDS.nb.year, { exact: true }), `?year=${j}`).toHaveValue(String(year));
  }
  const frozenYears = (sql('SELECT year FROM inclusion_years ORDER BY year') as [number][]).map(([y]) => y);
  expect(frozenYears.filter((y) => y > year || y < year - 9), 'no unsettled or unoffered year frozen').toEqual([]);
  await expectFigures(page, 'nb', year, 'after a junk year');
  // The oldest year offered is still taken.
  await openYear(page, year - 9);
  await expectFigures(page, 'nb', year - 9, 'the oldest year offered');
});

test('only HR: a manager and an employee get 403, a candidate and a visitor the sign-in page; an HR advisor sees one clinic', async ({ browser }) => {
  test.setTimeout(90_000);
  const PATH = '/admin/inclusion';

  // A manager over the whole trust: no link, 403.
  const manager = await newVisitorContext(browser);
  try {
    const m = await manager.newPage();
    await signIn(m, ASSESSOR);
    await m.goto('/admin');
    await expect(m.getByRole('link', { name: WORDS.nb.title, exact: true })).toHaveCount(0);
    const res = await m.goto(PATH);
    expect(res?.status(), 'a manager').toBe(403);
    await expect(m.getByRole('table')).toHaveCount(0);
    await checkA11y(m, 'inclusion: 403 for a manager');
  } finally {
    await manager.close();
  }

  // An employee (signs in, reads no applications): 403.
  const employee = await createStaff(browser, 'employee', 'OUS', 'Eli Ansatt');
  try {
    const res = await employee.page.goto(PATH);
    expect(res?.status(), 'an employee').toBe(403);
    await expect(employee.page.getByRole('table')).toHaveCount(0);
  } finally {
    await employee.context.close();
  }

  // A candidate signed in to Min side is no staff member: to the sign-in page.
  const candidate = await newVisitorContext(browser);
  try {
    const c = await candidate.newPage();
    const email = 'kari.demo@example.no';
    await c.goto('/portal');
    await c.getByLabel('E-post', { exact: true }).fill(email);
    await c.getByLabel('E-post', { exact: true }).press('Enter');
    await expect(c.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    const mail = await waitForMail((x) => (x.headers['to'] || '').includes(email) && x.subject === 'Lenke til Min side', 'the Min side link');
    const link = new RegExp(`${escapeRegExp(BASE_URL)}/portal/sign-in/[0-9a-f]{48}\\S*`).exec(mail.text)?.[0];
    expect(link, 'a sign-in link').toBeTruthy();
    await c.goto(link!);
    await expect(c.getByRole('heading', { level: 1, name: 'Min side' })).toBeVisible();
    await c.goto(PATH);
    await expect(c).toHaveURL(new RegExp(`/login\\?next=${escapeRegExp(encodeURIComponent(PATH))}$`));
    await expect(c.getByRole('table')).toHaveCount(0);
  } finally {
    await candidate.close();
  }

  // Nobody signed in: 303 to /login, the year kept in `next`.
  const visitor = await newVisitorContext(browser);
  try {
    const year = latest() - 1;
    const res = await visitor.request.get(`${PATH}?year=${year}`, { maxRedirects: 0 });
    expect([302, 303, 307]).toContain(res.status());
    expect(res.headers()['location']).toBe(`/login?next=${encodeURIComponent(`${PATH}?year=${year}`)}`);
    const v = await visitor.newPage();
    await v.goto(PATH);
    await expect(v).toHaveURL(/\/login\?next=/);
    await expect(v.getByLabel('Brukernavn', { exact: true })).toBeVisible();
  } finally {
    await visitor.close();
  }

  // An HR advisor over one clinic of the seeded year (Medisinsk klinikk): that clinic only, no
  // Sum, and its cells as the trust-wide table has them: the whole trust is hidden as one table,
  // so what is hidden there to protect other clinics stays hidden here, or the advisor's table
  // and HR's together would give those clinics away.
  const clinic = unitByCode('MED');
  const hr = await newVisitorContext(browser);
  const advisor = await createStaff(browser, 'hr_advisor', clinic.code, 'Rita Rådgiver');
  try {
    const h = await hr.newPage();
    await signIn(h, HR);
    const a = advisor.page;
    const trustWide = async (year: number) => {
      await openYear(h, year);
      return (await expectFigures(h, 'nb', year, `HR, ${year}`)).filter((r) => r[0] === clinic.nameNb);
    };

    // (At e2e scale the clinic may have had no posting in the newest settled year: then neither
    // table has a row for it. What the page then says is the last test's business.)
    const newest = await trustWide(latest());
    await read(latest(), async () => expect((await a.goto(PATH))?.status(), 'an HR advisor').toBe(200));
    const rowsLatest = (await tableOf(a, 'nb').count()) ? await rowsOf(tableOf(a, 'nb')) : [];
    expect(rowsLatest, `an HR advisor over ${clinic.nameNb}, the newest settled year: the trust-wide table's row for the clinic, no Sum`).toEqual(newest);
    expect(rowsLatest, 'through the port').toEqual(expectedTable('nb', byClinic(frozenCounts(latest())), clinic.path));

    const seeded = await trustWide(seededYear());
    expect(seeded, `the seeded year: HR's row for ${clinic.nameNb}`).toEqual(seededTable('nb').filter((r) => r[0] === clinic.nameNb));
    await read(seededYear(), async () => expect((await a.goto(`${PATH}?year=${seededYear()}`))?.status()).toBe(200));
    const rows = await expectFigures(a, 'nb', seededYear(), `an HR advisor over ${clinic.nameNb}`, clinic.path);
    // 11 declared, 6 qualified, 6 called, 2 postings with one: "declared" and "postings with"
    // are hidden in the trust-wide table (with KVI's and NVR's), so here too.
    expect(rows, `an HR advisor over ${clinic.nameNb}: that clinic only, as in HR's table, no Sum`).toEqual(seeded);
    expect(rows).toEqual([[clinic.nameNb, '2', 'skjult', '6', '6', 'skjult', '0', '10', 'skjult', 'skjult']]);
    await checkA11y(a, 'inclusion: an HR advisor');
  } finally {
    await advisor.context.close();
    await hr.close();
  }

  // An HR advisor over a department (the one of Akuttklinikken's that had a seeded posting):
  // no whole clinic, so no figures at all, and a sentence saying why, in an empty year too.
  const [[deptCode, deptPath, deptKind]] = sql(
    `SELECT u.code, u.path, u.kind FROM postings p JOIN org_units u ON u.id = p.unit_id WHERE p.reference = ?`,
    [`${REF}-${seededYear()}-2`],
  ) as [string, string, string][];
  expect(deptKind, 'the seeded posting on a department').toBe('department');
  const deptAdvisor = await createStaff(browser, 'hr_advisor', deptCode, 'Dina Avdeling');
  try {
    const d = deptAdvisor.page;
    await read(seededYear(), async () => expect((await d.goto(`${PATH}?year=${seededYear()}`))?.status(), 'an HR advisor over a department').toBe(200));
    expect(await expectFigures(d, 'nb', seededYear(), `an HR advisor over ${deptCode}`, deptPath), 'no rows').toEqual([]);
    await expect(d.getByRole('main').getByRole('table')).toHaveCount(0);
    expect(await mainText(d), `an HR advisor over ${deptCode}`).toContain(WORDS.nb.noClinic);
    await checkA11y(d, 'inclusion: an HR advisor over a department');
    await openYear(d, emptyYear());
    expect(await expectFigures(d, 'nb', emptyYear(), `an HR advisor over ${deptCode}, a year without postings`, deptPath)).toEqual([]);
    expect(await mainText(d), 'the reason is the reach, not the year').toContain(WORDS.nb.noClinic);
    await switchTo(d, 'en');
    await openYear(d, seededYear());
    expect(await expectFigures(d, 'en', seededYear(), `an HR advisor over ${deptCode}, in English`, deptPath)).toEqual([]);
    expect(await mainText(d), `an HR advisor over ${deptCode}, in English`).toContain(WORDS.en.noClinic);
  } finally {
    await deptAdvisor.context.close();
  }
});

test('an HR advisor over a whole clinic that had no posting in a year is not told that they hold no whole clinic', async ({ browser }) => {
  // The tie year has postings in AKU, KRE and KVI only: Medisinsk klinikk had none.
  const clinic = unitByCode('MED');
  const year = tieYear();
  const advisor = await createStaff(browser, 'hr_advisor', clinic.code, 'Mia Medisin');
  try {
    const a = advisor.page;
    await openYear(a, year);
    expect(Object.keys(frozenCounts(year)).filter((p) => p.startsWith(clinic.path)), `${clinic.nameNb} had no posting in ${year}`).toEqual([]);
    await expect(a.getByRole('main').getByRole('table')).toHaveCount(0);
    expect(await mainText(a), `an HR advisor over the whole of ${clinic.nameNb}, ${year}`).not.toContain(WORDS.nb.noClinic);
  } finally {
    await advisor.context.close();
  }
});
