import { industry, industryGroups } from './industries.ts';

// An SME (中小企業者) is a company whose capital or whose workforce is within the limits of its
// line. 中小企業基本法 第2条第1項 draws four lines: 第1号 manufacturing, construction, transport and
// every other industry; 第2号 wholesale; 第3号 services; 第4号 retail. The 中小企業関連立法 widen
// three industries by 政令, each act with the same table (e.g. 中小企業信用保険法施行令 第1条第2項,
// 官公需についての中小企業者の受注の確保に関する法律施行令 第1条). PRODUCT.md has the law win over its own
// simplified table, so the 政令 lines apply too. Each only widens the 基本法 line its industry would
// otherwise be on, so no company the 基本法 counts is left out by them.

export type SmeLine =
  | 'manufacturing-and-others'
  | 'wholesale'
  | 'services'
  | 'retail'
  | 'rubber-products'
  | 'software-and-information-processing'
  | 'ryokan';

const limits: Record<SmeLine, { capitalYen: number; employees: number }> = {
  'manufacturing-and-others': { capitalYen: 300_000_000, employees: 300 },
  wholesale: { capitalYen: 100_000_000, employees: 100 },
  services: { capitalYen: 50_000_000, employees: 100 },
  retail: { capitalYen: 50_000_000, employees: 50 },
  // 政令: ゴム製品製造業（自動車又は航空機用タイヤ及びチューブ製造業並びに工業用ベルト製造業を除く。）
  'rubber-products': { capitalYen: 300_000_000, employees: 900 },
  // 政令: ソフトウェア業又は情報処理サービス業
  'software-and-information-processing': { capitalYen: 300_000_000, employees: 300 },
  // 政令: 旅館業
  ryokan: { capitalYen: 50_000_000, employees: 200 },
};

// The 基本法 names sectors, not JSIC codes; 中小企業庁 places them on the JSIC (its table of
// 中小企業基本法上の類型 against 日本標準産業分類上の分類): wholesale is I50–I55; retail is I56–I61 and the
// eating and drinking places M76–M77; services are G38, G39, 411, 412, 415 and 416 in G41, 693
// (parking) in K69, K70, L, M75, N except 791 (travel agencies), O, P, Q and R; everything else,
// G37 and G40 among it, is on the 第1号 line.
const divisionLine: Readonly<Record<string, SmeLine>> = {
  A: 'manufacturing-and-others',
  B: 'manufacturing-and-others',
  C: 'manufacturing-and-others',
  D: 'manufacturing-and-others',
  E: 'manufacturing-and-others',
  F: 'manufacturing-and-others',
  H: 'manufacturing-and-others',
  J: 'manufacturing-and-others',
  L: 'services',
  O: 'services',
  P: 'services',
  Q: 'services',
  R: 'services',
  S: 'manufacturing-and-others',
  T: 'manufacturing-and-others',
};

// The divisions the law splits (G, I, K, M, N) are placed group by group; E19 is the one group of
// a whole division with a line of its own. A group listing two lines holds industries on each.
const groupLines: Readonly<Record<string, readonly SmeLine[]>> = {
  // The 政令 leaves out tyres and tubes for cars and aircraft (in JSIC 191) and industrial belts
  // (in 193), which stay on the 第1号 line.
  E19: ['rubber-products', 'manufacturing-and-others'],
  G37: ['manufacturing-and-others'],
  G38: ['services'],
  // ソフトウェア業 is JSIC 391 and 情報処理サービス業 is 3921; the rest of G39 (information
  // provision, market research) is services.
  G39: ['software-and-information-processing', 'services'],
  G40: ['manufacturing-and-others'],
  // Newspapers (413) and publishing (414) are not services; film, sound and advertising
  // production and the services ancillary to them are.
  G41: ['services', 'manufacturing-and-others'],
  I50: ['wholesale'],
  I51: ['wholesale'],
  I52: ['wholesale'],
  I53: ['wholesale'],
  I54: ['wholesale'],
  I55: ['wholesale'],
  I56: ['retail'],
  I57: ['retail'],
  I58: ['retail'],
  I59: ['retail'],
  I60: ['retail'],
  I61: ['retail'],
  K68: ['manufacturing-and-others'],
  // Letting and managing real estate is not a service; parking (693) is.
  K69: ['manufacturing-and-others', 'services'],
  K70: ['services'],
  // 旅館業 (inns and hotels, JSIC 751) is part of 宿泊業; other lodging is services.
  M75: ['ryokan', 'services'],
  M76: ['retail'],
  M77: ['retail'],
  N78: ['services'],
  N79: ['services', 'manufacturing-and-others'],
  N80: ['services'],
};

/**
 * The lines a company in this JSIC division or middle group may be on. A code coarser than the
 * law's lines holds industries on several, and cannot tell which is the company's.
 */
export function smeLines(industryCode: string): readonly SmeLine[] {
  const found = industry(industryCode);
  if (!found) throw new RangeError(`unknown industry code: ${industryCode}`);
  const whole = divisionLine[found.division];
  if (found.level === 'group') return groupLines[found.code] ?? (whole ? [whole] : []);
  const lines = new Set<SmeLine>(whole ? [whole] : []);
  for (const group of industryGroups) {
    if (group.division === found.code) for (const line of smeLines(group.code)) lines.add(line);
  }
  return [...lines];
}

// A company is judged by every line its code may be on, and is an SME if any takes it in: an
// applicant must not be held to a stricter line than the law may allow it. So a bare `I` is judged
// as wholesale, `G39` by the 政令's ¥300m / 300 for software, and a bare `E` by the rubber line's
// 900 employees (the group, when given, draws the exact line).
export function isSme(company: { industryCode: string; capitalYen: number; employees: number }) {
  return smeLines(company.industryCode).some((line) => {
    const limit = limits[line];
    return company.capitalYen <= limit.capitalYen || company.employees <= limit.employees;
  });
}
