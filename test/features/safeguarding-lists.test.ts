import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/content-problems.js';
import { loadHelpDirectory } from '../../src/features/safeguarding/help-directory.js';
import { loadPhraseLists } from '../../src/features/safeguarding/phrase-lists.js';
import { PhraseMatcher } from '../../src/features/safeguarding/phrase-matcher.js';
import { defaultSafeguardingDir } from '../../src/features/safeguarding/safeguarding-dir.js';
import { normaliseText } from '../../src/features/safeguarding/text-normaliser.js';

const shipped = loadPhraseLists(path.join(defaultSafeguardingDir, 'phrases'));
const matcher = new PhraseMatcher(shipped.listed());
const categoriesIn = (text: string) => [...new Set(matcher.find(normaliseText(text)).map((match) => match.category))];

describe('safeguarding phrase matching', () => {
  it('hears Chinese without word boundaries, in traditional characters, full-width forms and with spaces between characters', () => {
    expect(categoriesIn('唉，我真的不想活了')).toEqual(['self_harm']);
    expect(categoriesIn('我 想 自 殺。')).toEqual(['self_harm']);
    expect(categoriesIn('他又家暴了')).toEqual(['violence_at_home']);
    expect(categoriesIn('孩子不見了！')).toEqual(['missing_child']);
    expect(categoriesIn('ＫＩＬＬ　ＭＹＳＥＬＦ')).toEqual(['self_harm']);
  });

  it('hears English as whole words only, misspellings included, and leaves everyday words alone', () => {
    expect(categoriesIn('Sometimes I want to kill myself.')).toEqual(['self_harm']);
    expect(categoriesIn('thinking about sucide')).toEqual(['self_harm']);
    expect(categoriesIn('He HITS ME when he drinks')).toEqual(['violence_at_home']);
    expect(categoriesIn('I ate white meat and a skill myself game')).toEqual([]);
    expect(categoriesIn('今天宝宝吃了饭，玩得很开心')).toEqual([]);
  });

  it('answers with the numbers of the person’s own country, and the European ones elsewhere', () => {
    const help = loadHelpDirectory(path.join(defaultSafeguardingDir, 'help-contacts.yaml'));
    expect(help.contactsFor('Asia/Shanghai').map((contact) => contact.number)).toEqual(['110', '120', '12355']);
    expect(help.contactsFor('Europe/Rome').map((contact) => contact.number)).toEqual(['112', '114', '19696']);
    expect(help.contactsFor('Europe/Bucharest').map((contact) => contact.number)).toContain('119');
    expect(help.contactsFor('Europe/Riga').map((contact) => contact.number)).toEqual(['112', '116111']);
    expect(help.contactsFor('Europe/Madrid').map((contact) => contact.number)).toEqual(['112', '116111']);
    for (const contact of ['Asia/Shanghai', 'Europe/Rome', 'Europe/Bucharest', 'Europe/Riga', 'Pacific/Fiji'].flatMap((zone) => help.contactsFor(zone))) {
      expect(contact.source).toMatch(/https:\/\//);
    }
  });
});

describe('the safeguarding linter', () => {
  function listsWith(files: Record<string, string>): string[] {
    const directory = mkdtempSync(path.join(tmpdir(), 'phrases-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text);
    try {
      loadPhraseLists(directory);
      return [];
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      return error.problems.map((problem) => `${path.basename(problem.file)}:${problem.line}: ${problem.message}`);
    }
  }

  it('says in words what is wrong and where', () => {
    const problems = listsWith({
      'self_harm.yaml': 'category: self_harm\nseverity: serious\ndescription: Suicide.\nphrases:\n  zh-CN:\n    - 想自杀\n    - 想自殺\n    - 死\n  en:\n    - kill myself\n',
      'violence.yaml': 'category: violence_at_home\nseverity: urgent\ndescription: Violence.\nphrases:\n  zh-CN:\n    - 家暴\n',
      'neglect.yaml': 'category: neglect\nseverity: mild\ndescription: Neglect.\nphrases:\n  zh-CN:\n    - 没人管孩子\n  en:\n    - Kill   Myself!\n',
    });
    expect(problems).toEqual([
      'self_harm.yaml:7: "想自殺" is the same as "想自杀" once traditional characters, full-width forms, case and spacing are ignored, so listing it again adds nothing',
      'self_harm.yaml:8: "死" is too short to match safely (at least 2 Chinese characters): it would match inside harmless words',
      'self_harm.yaml:10: "kill myself" is the same as "Kill   Myself!" once traditional characters, full-width forms, case and spacing are ignored, so listing it again adds nothing (first in neglect.yaml: a phrase can belong to one category only)',
      'violence.yaml:2: severity: severity must be one of: serious, mild',
    ]);
  });

  it('asks for both languages and a file named after its category', () => {
    expect(listsWith({ 'abuse.yaml': 'category: child_abuse\nseverity: serious\ndescription: Abuse.\nphrases:\n  zh-CN:\n    - 虐待\n' })).toEqual([
      'abuse.yaml:1: the file is named "abuse.yaml" but its category is "child_abuse": name the file child_abuse.yaml',
      'abuse.yaml:4: there are no en phrases: every category needs phrases in zh-CN and en',
    ]);
  });
});
