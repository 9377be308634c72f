import type { Localized } from './localized.ts';

// Japan Standard Industrial Classification, Rev.14 (MIC, 2023; in use from 2024-04-01).
// Japanese names are the official ones; English names are MIC's official English wording.

export type IndustryDivision = { code: string; name: Localized };
export type IndustryGroup = { code: string; division: string; name: Localized };
export type Industry = {
  code: string;
  level: 'division' | 'group';
  division: string;
  name: Localized;
};

export const industryDivisions: readonly IndustryDivision[] = [
  { code: 'A', name: { ja: '農業，林業', en: 'Agriculture and Forestry' } },
  { code: 'B', name: { ja: '漁業', en: 'Fisheries' } },
  {
    code: 'C',
    name: { ja: '鉱業，採石業，砂利採取業', en: 'Mining and Quarrying of Stone and Gravel' },
  },
  { code: 'D', name: { ja: '建設業', en: 'Construction' } },
  { code: 'E', name: { ja: '製造業', en: 'Manufacturing' } },
  {
    code: 'F',
    name: { ja: '電気・ガス・熱供給・水道業', en: 'Electricity, Gas, Heat Supply and Water' },
  },
  { code: 'G', name: { ja: '情報通信業', en: 'Information and Communications' } },
  { code: 'H', name: { ja: '運輸業，郵便業', en: 'Transport and Postal Activities' } },
  { code: 'I', name: { ja: '卸売業，小売業', en: 'Wholesale and Retail Trade' } },
  { code: 'J', name: { ja: '金融業，保険業', en: 'Finance and Insurance' } },
  {
    code: 'K',
    name: { ja: '不動産業，物品賃貸業', en: 'Real Estate and Goods Rental and Leasing' },
  },
  {
    code: 'L',
    name: {
      ja: '学術研究，専門・技術サービス業',
      en: 'Scientific Research, Professional and Technical Services',
    },
  },
  {
    code: 'M',
    name: { ja: '宿泊業，飲食サービス業', en: 'Accommodations, Eating and Drinking Services' },
  },
  {
    code: 'N',
    name: {
      ja: '生活関連サービス業，娯楽業',
      en: 'Living-Related and Personal Services and Amusement Services',
    },
  },
  { code: 'O', name: { ja: '教育，学習支援業', en: 'Education, Learning Support' } },
  { code: 'P', name: { ja: '医療，福祉', en: 'Medical, Health Care and Welfare' } },
  { code: 'Q', name: { ja: '複合サービス事業', en: 'Compound Services' } },
  { code: 'R', name: { ja: 'サービス業（他に分類されないもの）', en: 'Services, N.E.C.' } },
  {
    code: 'S',
    name: { ja: '公務（他に分類されるものを除く）', en: 'Government, Except Elsewhere Classified' },
  },
  { code: 'T', name: { ja: '分類不能の産業', en: 'Industries Unable to Classify' } },
];

type GroupRow = readonly [number: string, ja: string, en: string];

const groupsOf = (division: string, rows: readonly GroupRow[]): readonly IndustryGroup[] =>
  rows.map(([number, ja, en]) => ({ code: `${division}${number}`, division, name: { ja, en } }));

// Some divisions are broken down into middle groups: manufacturing, where matching an expert to
// a company's line of production matters, and the divisions across which the SME law draws its
// lines (domain/sme.ts): I, split into wholesale and retail, and G, K, M and N, which hold
// services, retail and 'other' industries side by side. Every other industry is a division.
export const manufacturingGroups = groupsOf('E', [
  ['09', '食料品製造業', 'Manufacture of Food'],
  ['10', '飲料・たばこ・飼料製造業', 'Manufacture of Beverages, Tobacco and Feed'],
  ['11', '繊維工業', 'Manufacture of Textile Products'],
  [
    '12',
    '木材・木製品製造業（家具を除く）',
    'Manufacture of Lumber and Wood Products, Except Furniture',
  ],
  ['13', '家具・装備品製造業', 'Manufacture of Furniture and Fixtures'],
  ['14', 'パルプ・紙・紙加工品製造業', 'Manufacture of Pulp, Paper and Paper Products'],
  ['15', '印刷・同関連業', 'Printing and Allied Industries'],
  ['16', '化学工業', 'Manufacture of Chemical and Allied Products'],
  ['17', '石油製品・石炭製品製造業', 'Manufacture of Petroleum and Coal Products'],
  [
    '18',
    'プラスチック製品製造業（別掲を除く）',
    'Manufacture of Plastic Products, Except Otherwise Classified',
  ],
  ['19', 'ゴム製品製造業', 'Manufacture of Rubber Products'],
  [
    '20',
    'なめし革・同製品・毛皮製造業',
    'Manufacture of Leather Tanning, Leather Products and Fur Skins',
  ],
  ['21', '窯業・土石製品製造業', 'Manufacture of Ceramic, Stone and Clay Products'],
  ['22', '鉄鋼業', 'Manufacture of Iron and Steel'],
  ['23', '非鉄金属製造業', 'Manufacture of Non-Ferrous Metals and Products'],
  ['24', '金属製品製造業', 'Manufacture of Fabricated Metal Products'],
  ['25', 'はん用機械器具製造業', 'Manufacture of General-Purpose Machinery'],
  ['26', '生産用機械器具製造業', 'Manufacture of Production Machinery'],
  ['27', '業務用機械器具製造業', 'Manufacture of Business Oriented Machinery'],
  [
    '28',
    '電子部品・デバイス・電子回路製造業',
    'Manufacture of Electronic Parts, Devices and Electronic Circuits',
  ],
  ['29', '電気機械器具製造業', 'Manufacture of Electrical Machinery, Equipment and Supplies'],
  [
    '30',
    '情報通信機械器具製造業',
    'Manufacture of Information and Communication Electronics Equipment',
  ],
  ['31', '輸送用機械器具製造業', 'Manufacture of Transportation Equipment'],
  ['32', 'その他の製造業', 'Miscellaneous Manufacturing Industries'],
]);

const informationGroups = groupsOf('G', [
  ['37', '通信業', 'Communications'],
  ['38', '放送業', 'Broadcasting'],
  ['39', '情報サービス業', 'Information Services'],
  ['40', 'インターネット附随サービス業', 'Services Incidental to Internet'],
  [
    '41',
    '映像・音声・文字情報制作業',
    'Video Picture Information, Sound Information, Character Information Production and Distribution',
  ],
]);

export const tradeGroups = groupsOf('I', [
  ['50', '各種商品卸売業', 'Wholesale Trade, General Merchandise'],
  ['51', '繊維・衣服等卸売業', 'Wholesale Trade (Textile and Apparel)'],
  ['52', '飲食料品卸売業', 'Wholesale Trade (Food and Beverages)'],
  [
    '53',
    '建築材料，鉱物・金属材料等卸売業',
    'Wholesale Trade (Building Materials, Minerals and Metals, etc.)',
  ],
  ['54', '機械器具卸売業', 'Wholesale Trade (Machinery and Equipment)'],
  ['55', 'その他の卸売業', 'Miscellaneous Wholesale Trade'],
  ['56', '各種商品小売業', 'Retail Trade, General Merchandise'],
  [
    '57',
    '織物・衣服・身の回り品小売業',
    'Retail Trade (Woven Fabrics, Apparel, Apparel Accessories and Notions)',
  ],
  ['58', '飲食料品小売業', 'Retail Trade (Food and Beverages)'],
  ['59', '機械器具小売業', 'Retail Trade (Machinery and Equipment)'],
  ['60', 'その他の小売業', 'Miscellaneous Retail Trade'],
  ['61', '無店舗小売業', 'Nonstore Retailers'],
]);

const realEstateGroups = groupsOf('K', [
  ['68', '不動産取引業', 'Real Estate Agencies'],
  ['69', '不動産賃貸業・管理業', 'Real Estate Lessors and Managers'],
  ['70', '物品賃貸業', 'Goods Rental and Leasing'],
]);

const accommodationAndFoodGroups = groupsOf('M', [
  ['75', '宿泊業', 'Accommodations'],
  ['76', '飲食店', 'Eating and Drinking Places'],
  ['77', '持ち帰り・配達飲食サービス業', 'Food Take Out and Delivery Services'],
]);

const livingAndAmusementGroups = groupsOf('N', [
  ['78', '洗濯・理容・美容・浴場業', 'Laundry, Beauty and Bath Services'],
  ['79', 'その他の生活関連サービス業', 'Miscellaneous Living-Related and Personal Services'],
  ['80', '娯楽業', 'Services for Amusement and Recreation'],
]);

export const industryGroups: readonly IndustryGroup[] = [
  ...manufacturingGroups,
  ...informationGroups,
  ...tradeGroups,
  ...realEstateGroups,
  ...accommodationAndFoodGroups,
  ...livingAndAmusementGroups,
];

const byCode = new Map<string, Industry>([
  ...industryDivisions.map(
    ({ code, name }) => [code, { code, level: 'division', division: code, name }] as const,
  ),
  ...industryGroups.map(
    ({ code, division, name }) => [code, { code, level: 'group', division, name }] as const,
  ),
]);

export function industry(code: string): Industry | undefined {
  return byCode.get(code);
}

export function isIndustryCode(code: string): boolean {
  return byCode.has(code);
}
