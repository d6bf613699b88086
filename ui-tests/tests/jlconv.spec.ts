import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import {
  collectConsoleErrors,
  freshCluster,
  openPanel,
  PANEL_ID,
  setPanelWidth,
  shot
} from './helpers';

/** What the user sees of each view tab: its text's own overflow and whether a parent clips it. */
async function tabFit(page: IJupyterLabPageFixture) {
  return page.evaluate(id => {
    const panel = document.getElementById(id)!;
    const list = panel.querySelector('[role="tablist"]')!.getBoundingClientRect();
    const header = panel.querySelector('.jp-OptiServe-header')!.getBoundingClientRect();
    return {
      panelWidth: panel.getBoundingClientRect().width,
      listInHeader: list.left >= header.left - 0.5 && list.right <= header.right + 0.5,
      tabs: Array.from(panel.querySelectorAll<HTMLElement>('[role="tab"]')).map(tab => {
        const box = tab.getBoundingClientRect();
        return {
          label: tab.textContent ?? '',
          scrollWidth: tab.scrollWidth,
          clientWidth: tab.clientWidth,
          inList: box.left >= list.left - 0.5 && box.right <= list.right + 0.5
        };
      })
    };
  }, PANEL_ID);
}

test.describe('OptiServe in JupyterLab', () => {
  let errors: string[] = [];
  test.beforeEach(async ({ page }) => {
    errors = collectConsoleErrors(page);
    await freshCluster(page);
  });
  test.afterEach(() => expect(errors, 'no console errors').toEqual([]));

  test('the launcher card opens the sidebar with focus in the model search', async ({ page }) => {
    const panel = page.locator(`#${PANEL_ID}`);
    await expect(panel).toBeHidden();
    await page.menu.clickMenuItem('File>New Launcher');
    const other = page.locator('.jp-Launcher-section:visible').filter({
      has: page.locator('.jp-Launcher-sectionTitle', { hasText: /^Other$/ })
    });
    const card = other.locator('.jp-LauncherCard', { hasText: /^OptiServe$/ });
    await expect(card).toHaveCount(1);
    await expect(card).toHaveAttribute('title', 'Open the OptiServe sidebar');
    await card.click();
    await expect(panel).toBeVisible();
    await expect(panel.getByLabel('Search models', { exact: true })).toBeFocused();
    // typing goes straight into the search
    await page.keyboard.type('granite');
    await expect(panel.getByLabel('Search models', { exact: true })).toHaveValue('granite');
  });

  test('View > OptiServe opens the sidebar with focus in the model search', async ({ page }) => {
    const panel = page.locator(`#${PANEL_ID}`);
    await expect(panel).toBeHidden();
    await page.menu.clickMenuItem('View>OptiServe: Size and Deploy a Model');
    await expect(panel).toBeVisible();
    await expect(panel.getByLabel('Search models', { exact: true })).toBeFocused();
    // once more with the panel already open and the keyboard elsewhere: focus comes back
    const search = panel.getByLabel('Search models', { exact: true });
    await search.press('Tab');
    await expect(search).not.toBeFocused();
    await page.menu.clickMenuItem('View>OptiServe: Size and Deploy a Model');
    await expect(panel.getByLabel('Search models', { exact: true })).toBeFocused();
  });

  test.describe('view tabs', () => {
    // a narrower panel (a scrollbar, a longer translation) wraps the tabs under the title: tabs.css
    for (const width of [300, 250]) {
      test(`the view tabs read in full in a ${width} px sidebar`, async ({ page }) => {
        await openPanel(page);
        expect(Math.round(await setPanelWidth(page, width, 0.5))).toBe(width);
        const fit = await tabFit(page);
        expect(fit.tabs.map(t => t.label)).toEqual(['New', 'Deployments']);
        expect(fit.listInHeader, 'the tab list is not cut by the header').toBe(true);
        for (const tab of fit.tabs) {
          expect(tab.scrollWidth, `"${tab.label}" overflows its tab`).toBeLessThanOrEqual(
            tab.clientWidth
          );
          expect(tab.inList, `"${tab.label}" is clipped by the tab list`).toBe(true);
        }
        await shot(page, `tabs-${width}px`);
      });
    }

    test('longer (translated) labels move under the title, still unclipped', async ({ page }) => {
      const panel = await openPanel(page);
      expect(Math.round(await setPanelWidth(page, 250, 0.5))).toBe(250);
      // what a language pack's longer labels look like (React keeps the text until it re-renders)
      await panel.getByRole('tab').evaluateAll(tabs => {
        tabs[0].textContent = 'Neue Bereitstellung';
        tabs[1].textContent = 'Bereitstellungen';
      });
      const fit = await tabFit(page);
      expect(fit.listInHeader, 'the tab list is not cut by the header').toBe(true);
      for (const tab of fit.tabs) {
        expect(tab.scrollWidth, `"${tab.label}" overflows its tab`).toBeLessThanOrEqual(
          tab.clientWidth
        );
        expect(tab.inList, `"${tab.label}" is clipped by the tab list`).toBe(true);
      }
      const title = await panel.locator('.jp-OptiServe-header h2').boundingBox();
      const list = await panel.getByRole('tablist').boundingBox();
      expect(list!.y, 'the tabs wrapped below the title').toBeGreaterThanOrEqual(
        title!.y + title!.height - 1
      );
      await shot(page, 'tabs-250px-long-labels');
    });
  });
});
