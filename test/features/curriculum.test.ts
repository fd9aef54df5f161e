import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/content-problems.js';
import { defaultCurriculumDir } from '../../src/features/activities/curriculum-dir.js';
import { loadCurriculum } from '../../src/features/activities/curriculum-loader.js';
import { ageBands } from '../../src/features/activities/curriculum.js';
import { projectRoot } from '../../src/paths.js';

function copyOfCurriculum(): string {
  const directory = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-curriculum-')), 'curriculum');
  cpSync(defaultCurriculumDir, directory, { recursive: true });
  return directory;
}

function problemsOf(directory: string): string[] {
  try {
    loadCurriculum(directory);
    return [];
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    return error.problems.map((p) => `${path.relative(directory, p.file)}:${p.line}: ${p.message}`);
  }
}

describe('the shipped curriculum', () => {
  const curriculum = loadCurriculum(defaultCurriculumDir);

  it('has at least 12 different weeks in every age band, complete in zh-CN and en', () => {
    for (const band of ageBands) {
      const weeks = Array.from({ length: 12 }, (_, index) => curriculum.activityOf(band, index).activityId);
      expect(new Set(weeks).size).toBe(12);
      for (const id of weeks) {
        for (const locale of ['zh-CN', 'en']) {
          const { text, locale: used } = curriculum.text(id, locale)!;
          expect(used).toBe(locale);
          expect(text.steps.length).toBeGreaterThanOrEqual(3);
          expect(text.steps.length).toBeLessThanOrEqual(5);
        }
      }
    }
    expect(curriculum.activityIds()).toHaveLength(48);
  });

  it('picks the band by the age of the child and starts a band over after its last week', () => {
    const born = new Date('2021-05-03');
    expect(curriculum.bandOf(born, new Date('2023-06-01'))).toBe('2-3');
    expect(curriculum.bandOf(born, new Date('2026-11-23'))).toBe('5-6');
    expect(curriculum.bandOf(born, new Date('2022-01-01'))).toBe('2-3');
    expect(curriculum.bandOf(born, new Date('2029-01-01'))).toBe('5-6');
    expect(curriculum.activityOf('3-4', 12)).toEqual({ activityId: 'sorting-beans', week: 1 });
  });

  it('passes npm run curriculum:lint', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/curriculum-lint.ts'], { cwd: projectRoot, encoding: 'utf8' });
    expect(output).toContain('48 activities in 2 language(s) OK');
  });
});

describe('a broken curriculum', () => {
  it('names the file, the line and the problem, including languages that are incomplete', () => {
    const directory = copyOfCurriculum();
    const en = path.join(directory, 'text', 'en.yaml');
    const lines = readFileSync(en, 'utf8').split('\n');
    // copy-me keeps one step of three.
    const copyMe = lines.findIndex((line) => line.startsWith('copy-me:'));
    lines.splice(copyMe + 5, 2);
    writeFileSync(en, [...lines, 'not-planned:', '  title: Extra', '  why: x', '  steps: [a, b, c]', '  parent: y', ''].join('\n'));
    writeFileSync(path.join(directory, 'text', 'ro.yaml'), 'copy-me:\n  title: Copiază-mă\n');
    mkdirSync(path.join(directory, 'audio', 'cmn-hechi'), { recursive: true });
    writeFileSync(
      path.join(directory, 'languages.yaml'),
      'languages:\n  zh-CN: { speech: cmn }\n  en: { speech: en }\n  ro: { speech: ro }\n  cmn-hechi: { audio_only: true }\n',
    );
    writeFileSync(path.join(directory, 'audio', 'cmn-hechi', 'copy-me.ogg'), '');
    const problems = problemsOf(directory);
    expect(problems).toContain('text/en.yaml:6: copy-me.steps: an activity has 3 to 5 steps');
    expect(problems).toContain('text/ro.yaml:1: copy-me.why: Invalid input: expected string, received undefined');
    expect(problems).toContain('audio/cmn-hechi/pot-lid-drum.ogg:1: audio-only language "cmn-hechi" has no recording of "pot-lid-drum"');
    expect(problems.some((p) => p.startsWith('audio/cmn-hechi/copy-me.ogg'))).toBe(false);
  });

  it('reports activities missing in a language and texts of activities the plan lacks', () => {
    const directory = copyOfCurriculum();
    const plan = path.join(directory, 'plan.yaml');
    writeFileSync(plan, readFileSync(plan, 'utf8').replace('    - call-ready\n', '    - call-ready\n    - washing-line\n'));
    writeFileSync(path.join(directory, 'text', 'en.yaml'), `${readFileSync(path.join(directory, 'text', 'en.yaml'), 'utf8')}\nstray:\n  title: S\n  why: W\n  steps: [a, b, c]\n  parent: P\n`);
    const problems = problemsOf(directory);
    expect(problems).toContain('text/en.yaml:1: activity "washing-line" is missing in en');
    expect(problems).toContain('text/zh-CN.yaml:1: activity "washing-line" is missing in zh-CN');
    expect(problems.find((p) => p.includes('"stray" is not in plan.yaml'))).toMatch(/^text\/en\.yaml:\d+: /);
  });
});
