import { describe, expect, it } from 'vitest';
import {
  industry,
  industryDivisions,
  industryGroups,
  industryScopes,
  isIndustryCode,
  isIndustryScope,
  isTopic,
  manufacturingGroups,
  prefecture,
  prefectures,
  scopeCoversIndustry,
  taxonomyDocument,
  topicCodes,
  topics,
  tradeGroups,
} from '../../src/domain/taxonomy.ts';

describe('industries (JSIC Rev.14)', () => {
  it('has the 20 divisions A to T', () => {
    expect(industryDivisions.map((d) => d.code).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(industry('E')?.name).toEqual({ ja: '製造業', en: 'Manufacturing' });
    expect(industry('I')?.name.ja).toBe('卸売業，小売業');
    expect(industry('R')?.name.ja).toBe('サービス業（他に分類されないもの）');
  });

  it('has the 24 manufacturing middle groups E09 to E32', () => {
    expect(manufacturingGroups.map((g) => g.code)).toEqual(
      Array.from({ length: 24 }, (_, i) => `E${String(i + 9).padStart(2, '0')}`),
    );
    expect(manufacturingGroups.every((g) => g.division === 'E')).toBe(true);
    expect(industry('E24')).toEqual({
      code: 'E24',
      level: 'group',
      division: 'E',
      name: { ja: '金属製品製造業', en: 'Manufacture of Fabricated Metal Products' },
    });
    expect(industry('E32')?.name.ja).toBe('その他の製造業');
  });

  it('names the manufacturing groups as MIC does: "Manufacture of …", but for E15 and E32', () => {
    const unlike = manufacturingGroups.filter((g) => !g.name.en.startsWith('Manufacture of '));
    expect(unlike.map((g) => [g.code, g.name.en])).toEqual([
      ['E15', 'Printing and Allied Industries'],
      ['E32', 'Miscellaneous Manufacturing Industries'],
    ]);
    expect(industry('E28')?.name.en).toBe(
      'Manufacture of Electronic Parts, Devices and Electronic Circuits',
    );
  });

  it('has the 12 wholesale and retail middle groups I50 to I61', () => {
    expect(tradeGroups.map((g) => g.code)).toEqual(
      Array.from({ length: 12 }, (_, i) => `I${i + 50}`),
    );
    expect(industry('I58')).toEqual({
      code: 'I58',
      level: 'group',
      division: 'I',
      name: { ja: '飲食料品小売業', en: 'Retail Trade (Food and Beverages)' },
    });
    expect(industry('I50')?.name.ja).toBe('各種商品卸売業');
    expect(industry('I61')?.name.ja).toBe('無店舗小売業');
  });

  it('has the middle groups of G, K, M and N, across which the SME law draws its lines', () => {
    const groupsOf = (division: string) =>
      industryGroups.filter((g) => g.division === division).map((g) => [g.code, g.name.ja]);
    expect(groupsOf('G')).toEqual([
      ['G37', '通信業'],
      ['G38', '放送業'],
      ['G39', '情報サービス業'],
      ['G40', 'インターネット附随サービス業'],
      ['G41', '映像・音声・文字情報制作業'],
    ]);
    expect(groupsOf('K')).toEqual([
      ['K68', '不動産取引業'],
      ['K69', '不動産賃貸業・管理業'],
      ['K70', '物品賃貸業'],
    ]);
    expect(groupsOf('M')).toEqual([
      ['M75', '宿泊業'],
      ['M76', '飲食店'],
      ['M77', '持ち帰り・配達飲食サービス業'],
    ]);
    expect(groupsOf('N')).toEqual([
      ['N78', '洗濯・理容・美容・浴場業'],
      ['N79', 'その他の生活関連サービス業'],
      ['N80', '娯楽業'],
    ]);
    expect(industry('G39')).toEqual({
      code: 'G39',
      level: 'group',
      division: 'G',
      name: { ja: '情報サービス業', en: 'Information Services' },
    });
    expect(industry('G40')?.name.en).toBe('Services Incidental to Internet');
    expect(industry('K69')?.name.en).toBe('Real Estate Lessors and Managers');
    expect(industry('M76')?.name.en).toBe('Eating and Drinking Places');
    expect(industry('N80')?.name.en).toBe('Services for Amusement and Recreation');
  });

  it('lists the groups in JSIC order, each once, each under a division that exists', () => {
    const codes = industryGroups.map((g) => g.code);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(industryGroups.every((g) => g.code.startsWith(g.division))).toBe(true);
    expect(industryGroups.every((g) => industry(g.division)?.level === 'division')).toBe(true);
  });

  it('describes a division as its own division', () => {
    expect(industry('D')).toMatchObject({ code: 'D', level: 'division', division: 'D' });
  });

  it('knows no other codes', () => {
    for (const code of [
      'E99',
      'E08',
      'E33',
      'Z',
      'G36',
      'G42',
      'I49',
      'I62',
      'K67',
      'K71',
      'M74',
      'M78',
      'N77',
      'N81',
      'H44',
      'e',
      'e24',
      'E24 ',
      '',
      'toString',
    ]) {
      expect(industry(code), code).toBeUndefined();
      expect(isIndustryCode(code), code).toBe(false);
    }
    expect(isIndustryCode('E24')).toBe(true);
    expect(isIndustryCode('G39')).toBe(true);
    expect(isIndustryCode('T')).toBe(true);
  });
});

describe('industry scopes', () => {
  it('are the four certification-body scopes', () => {
    expect(industryScopes.map((s) => [s.code, s.name.ja])).toEqual([
      ['all-industries', '全業種'],
      ['manufacturing', '製造業'],
      ['die-mould', '金型関連業'],
      ['aerospace-defence', '航空・宇宙・防衛'],
    ]);
    expect(isIndustryScope('die-mould')).toBe(true);
    expect(isIndustryScope('E')).toBe(false);
  });

  it('cover every industry when general', () => {
    for (const code of ['A', 'E', 'E24', 'T']) {
      expect(scopeCoversIndustry('all-industries', code), code).toBe(true);
    }
  });

  it('cover a division and each of its groups', () => {
    expect(scopeCoversIndustry('manufacturing', 'E')).toBe(true);
    expect(scopeCoversIndustry('manufacturing', 'E09')).toBe(true);
    expect(scopeCoversIndustry('die-mould', 'E26')).toBe(true);
    expect(scopeCoversIndustry('manufacturing', 'D')).toBe(false);
    expect(scopeCoversIndustry('die-mould', 'G')).toBe(false);
    expect(scopeCoversIndustry('all-industries', 'G39')).toBe(true);
    expect(scopeCoversIndustry('manufacturing', 'G39')).toBe(false);
  });

  it('cover only their own groups when narrower than a division', () => {
    for (const code of ['E29', 'E30', 'E31']) {
      expect(scopeCoversIndustry('aerospace-defence', code), code).toBe(true);
    }
    expect(scopeCoversIndustry('aerospace-defence', 'E28')).toBe(false);
    expect(scopeCoversIndustry('aerospace-defence', 'E')).toBe(false);
    expect(scopeCoversIndustry('aerospace-defence', 'H')).toBe(false);
  });

  it('cover nothing for unknown scopes or codes', () => {
    expect(scopeCoversIndustry('space', 'E31')).toBe(false);
    expect(scopeCoversIndustry('all-industries', 'Z')).toBe(false);
    expect(scopeCoversIndustry('manufacturing', 'E99')).toBe(false);
  });
});

describe('prefectures (JIS X 0401)', () => {
  it('are the 47 prefectures coded 01 to 47', () => {
    expect(prefectures).toHaveLength(47);
    expect(prefectures[0]?.code).toBe('01');
    expect(prefectures[46]?.code).toBe('47');
    expect(new Set(prefectures.map((p) => p.name.ja)).size).toBe(47);
  });

  it('are named in Japanese and English', () => {
    expect(prefecture('01')?.name).toEqual({ ja: '北海道', en: 'Hokkaido' });
    expect(prefecture('13')?.name).toEqual({ ja: '東京都', en: 'Tokyo' });
    expect(prefecture('23')?.name).toEqual({ ja: '愛知県', en: 'Aichi' });
    expect(prefecture('26')?.name.ja).toBe('京都府');
    expect(prefecture('47')?.name).toEqual({ ja: '沖縄県', en: 'Okinawa' });
  });

  it('know no other codes', () => {
    for (const code of ['00', '48', '1', '13 ', 'JP-13', '']) {
      expect(prefecture(code), code).toBeUndefined();
    }
  });
});

describe('topics', () => {
  it('are the nine certification steps, then audit and industry-model', () => {
    expect(topicCodes).toHaveLength(11);
    expect(topics.map((t) => t.code)).toEqual([...topicCodes]);
    expect(topics.map((t) => t.name.ja).slice(0, 9)).toEqual([
      '守る情報の決定',
      '守る情報の識別・対策整理',
      '管理者選任',
      '情報管理プロセスの設定',
      '従業員への対策周知・教育',
      '事故発生時の報告ルール',
      '管理対象情報へのアクセス権の設定',
      '金庫等による物理的管理',
      'ID等設定による電子情報の管理',
    ]);
    expect(topicCodes.slice(9)).toEqual(['audit', 'industry-model']);
  });

  it('recognise only their codes', () => {
    expect(isTopic('electronic')).toBe(true);
    expect(isTopic('industry-model')).toBe(true);
    expect(isTopic('Identify')).toBe(false);
    expect(isTopic('')).toBe(false);
  });
});

describe('taxonomyDocument', () => {
  it('nests each middle group under its division: E, G, I, K, M and N, nothing elsewhere', () => {
    const {
      industries,
      industryScopes: scopes,
      prefectures: prefs,
      topics: ts,
    } = taxonomyDocument();
    expect(industries).toHaveLength(20);
    expect(
      industries.filter((d) => d.groups.length > 0).map((d) => [d.code, d.groups.length]),
    ).toEqual([
      ['E', 24],
      ['G', 5],
      ['I', 12],
      ['K', 3],
      ['M', 3],
      ['N', 3],
    ]);
    expect(industries.find((d) => d.code === 'G')?.groups[2]?.code).toBe('G39');
    expect(industries.every((d) => d.groups.every((g) => g.division === d.code))).toBe(true);
    expect([scopes.length, prefs.length, ts.length]).toEqual([4, 47, 11]);
  });

  it('survives a JSON round trip unchanged', () => {
    const document = taxonomyDocument();
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
