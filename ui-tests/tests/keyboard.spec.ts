/**
 * The whole flow with the keyboard alone: the panel opened from the command palette, then search,
 * model, KPI, profile, preview, deploy, confirm, Ready, test prompt, Deployments tab and delete,
 * with no mouse. After each action the test asserts where focus is, and records the path into
 * test-results/focus-path.json.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { collectConsoleErrors, freshCluster, PANEL_ID, rankedFor, patientStart } from './helpers';

const MODEL = 'granite-3.1-8b-instruct';
const NAME = 'granite-3-1-8b-instruct';
const FOCUS_FILE = path.join(__dirname, '..', 'test-results', 'focus-path.json');

interface IFocus {
  role: string;
  name: string;
  inPanel: boolean;
}

/** The focused element: its role (explicit or the tag's) and accessible name (as the page states it). */
async function focused(page: IJupyterLabPageFixture): Promise<IFocus> {
  return page.evaluate(id => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) {
      return { role: 'body', name: '', inPanel: false };
    }
    const implicit: Record<string, string> = {
      BUTTON: 'button',
      INPUT: (el as HTMLInputElement).type === 'search' ? 'searchbox' : 'textbox',
      TEXTAREA: 'textbox',
      SELECT: 'combobox',
      SUMMARY: 'button',
      A: 'link',
      H3: 'heading',
      PRE: 'code'
    };
    const byIds = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map(i => document.getElementById(i)?.textContent ?? '')
        .join(' ')
        .trim();
    // the text a screen reader reads: without aria-hidden parts (e.g. a step's decorative number)
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[aria-hidden="true"]').forEach(n => n.remove());
    // a form control is named by its <label> (without the control's own text)
    const label = (el as HTMLInputElement).labels?.[0]?.cloneNode(true) as HTMLElement | undefined;
    label?.querySelectorAll('input, textarea, select').forEach(n => n.remove());
    const name =
      el.getAttribute('aria-label') ??
      (byIds(el.getAttribute('aria-labelledby')) ||
        (label?.textContent ?? '').trim() ||
        (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
          ? ''
          : (copy.textContent ?? '').trim()));
    return {
      role: el.getAttribute('role') ?? implicit[el.tagName] ?? el.tagName.toLowerCase(),
      name: name.replace(/\s+/g, ' ').slice(0, 80),
      inPanel: !!document.getElementById(id)?.contains(el)
    };
  }, PANEL_ID);
}

type Step = IFocus & { action: string; keys: number };

test.describe('OptiServe with the keyboard only', () => {
  test.use({ waitForApplication: patientStart });
  let errors: string[] = [];
  let pathTaken: Step[] = [];
  test.beforeEach(async ({ page }) => {
    errors = collectConsoleErrors(page);
    pathTaken = [];
    await freshCluster(page);
  });
  test.afterEach(() => {
    // written also when a step failed: the path up to it shows where focus went astray
    fs.mkdirSync(path.dirname(FOCUS_FILE), { recursive: true });
    fs.writeFileSync(FOCUS_FILE, JSON.stringify(pathTaken, null, 2));
    expect(errors, 'no console errors').toEqual([]);
  });

  test('search to delete, focus asserted after every action', async ({ page }) => {
    test.setTimeout(120000);
    const panel = page.locator(`#${PANEL_ID}`);

    /** Assert the focused element's role and name after `action`, and record it. */
    const expectFocus = async (action: string, role: string, name: RegExp, keys = 1) => {
      await expect
        .poll(async () => {
          const f = await focused(page);
          return `${f.role}|${f.name}|${f.inPanel}`;
        })
        .toMatch(new RegExp(`^${role}\\|${name.source}.*\\|true$`));
      const f = await focused(page);
      pathTaken.push({ action, keys, ...f });
      console.log(`focus after ${action}: ${f.role} "${f.name}"`);
    };
    /** Press Tab (or Shift+Tab) until the focused element matches; returns how many presses. */
    const tabTo = async (role: string, name: RegExp, back = false, max = 60): Promise<number> => {
      for (let n = 1; n <= max; n++) {
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        const f = await focused(page);
        if (f.role === role && name.test(f.name) && f.inPanel) {
          return n;
        }
      }
      throw new Error(
        `no ${role} "${name.source}" within ${max} ${back ? 'Shift+' : ''}Tab presses`
      );
    };

    // Open through the command palette: focus goes into the panel, to the model search.
    await page.keyboard.press('Control+Shift+c');
    await page.keyboard.type('OptiServe: Size and Deploy');
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('button', { name: /^Choose model / }).first()).toBeVisible();
    await expectFocus('open from the command palette', 'searchbox', /Search models/);

    // Enter in the search picks the first match; focus moves to the chosen KPI.
    await page.keyboard.type(MODEL);
    await page.keyboard.press('Enter');
    await expectFocus('Enter in the search', 'radio', /KPI Balanced/);
    await rankedFor(panel, 'balanced');

    // Arrow keys choose another KPI (a radio group).
    await page.keyboard.press('ArrowLeft');
    await expectFocus('ArrowLeft on the KPI cards', 'radio', /KPI High throughput/);
    await rankedFor(panel, 'throughput');

    // The ranked profiles are one tab stop a few presses on; arrow keys choose another profile.
    const toProfiles = await tabTo('radio', /^(?!KPI ).+/);
    expect(toProfiles).toBeLessThanOrEqual(8);
    const first = await focused(page);
    pathTaken.push({ action: 'Tab to the ranked profiles', keys: toProfiles, ...first });
    await page.keyboard.press('ArrowDown');
    await expect(
      panel.getByRole('radiogroup', { name: 'Ranked profiles' }).getByRole('radio').nth(1)
    ).toBeFocused();
    await expect(
      panel.getByRole('radiogroup', { name: 'Ranked profiles' }).getByRole('radio').nth(1)
    ).toHaveAttribute('aria-checked', 'true');
    await expectFocus('ArrowDown in the profiles', 'radio', /.+/);

    // Preview is in the sticky footer; focus moves to step 5.
    const toPreview = await tabTo('button', /^Preview deployment$/);
    pathTaken.push({
      action: 'Tab to Preview deployment',
      keys: toPreview,
      ...(await focused(page))
    });
    await page.keyboard.press('Enter');
    await expectFocus('Enter on Preview deployment', 'heading', /Step 5: Preview/);
    await expect(panel.getByLabel('Preflight summary', { exact: true })).toContainText('0 fail', {
      timeout: 30000
    });

    // Deploy, then the confirmation takes focus; Deploy now moves it to step 6.
    const toDeploy = await tabTo('button', /^Deploy$/);
    pathTaken.push({ action: 'Tab to Deploy', keys: toDeploy, ...(await focused(page)) });
    await page.keyboard.press('Enter');
    await expectFocus('Enter on Deploy', 'button', /Confirm deploy/);
    await page.keyboard.press('Enter');
    await expectFocus('Enter on Deploy now', 'heading', /Step 6: Deploy/);
    const deployment = panel.getByLabel(`Deployment ${NAME}`, { exact: true });
    await expect(deployment.getByLabel('Deployment state', { exact: true })).toHaveText('ready', {
      timeout: 45000
    });

    // Test prompt: Send keeps focus while sending and after the answer.
    const toPrompt = await tabTo('textbox', /Test prompt/);
    pathTaken.push({ action: 'Tab to the test prompt', keys: toPrompt, ...(await focused(page)) });
    await page.keyboard.press('Tab');
    await expectFocus('Tab from the prompt', 'button', /Send test prompt/);
    await page.keyboard.press('Enter');
    await expectFocus('Enter on Send (sending)', 'button', /Sending… test prompt|Send test prompt/);
    await expect(deployment.getByLabel('Model answer', { exact: true })).toContainText('Hello', {
      timeout: 20000
    });
    await expectFocus('answer arrived', 'button', /Send test prompt/);

    // Back up to the view tabs; the arrow key opens Deployments.
    const toTabs = await tabTo('tab', /^New$/, true, 80);
    pathTaken.push({
      action: 'Shift+Tab to the view tabs',
      keys: toTabs,
      ...(await focused(page))
    });
    await page.keyboard.press('ArrowRight');
    await expectFocus('ArrowRight on the tabs', 'tab', /Deployments/);
    await expect(panel.getByRole('listitem', { name: `Deployment ${NAME}` })).toBeVisible();

    // Delete asks again, with focus on the confirmation; afterwards focus stays in the list.
    const toDelete = await tabTo('button', new RegExp(`^Delete ${NAME}$`));
    pathTaken.push({ action: 'Tab to Delete', keys: toDelete, ...(await focused(page)) });
    await page.keyboard.press('Enter');
    await expectFocus('Enter on Delete', 'button', new RegExp(`Confirm delete ${NAME}`));
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('listitem', { name: `Deployment ${NAME}` })).toHaveCount(0);
    await expectFocus('Enter on Delete for good', 'button', /Refresh deployments/);
  });
});
