/**
 * The pure state of the split lesson layout: the divider's share kept within bounds (from storage, a pointer, the
 * keyboard), and the lab's arrangement of its panes (which are shown, which is in front).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arrange,
  focusPane,
  frontPane,
  initialLayout,
  storedArrangement,
  visiblePanes,
} from '../../src/components/lab/layout-state.ts';
import {
  clampShare,
  shareAfterKey,
  shareAtPointer,
  SPLIT,
  storedShare,
} from '../../src/components/lesson/split-state.ts';

describe('the divider', () => {
  test('keeps the share within its bounds', () => {
    assert.equal(clampShare(10), SPLIT.min);
    assert.equal(clampShare(99), SPLIT.max);
    assert.equal(clampShare(41.26), 41.3);
  });

  test('reads a stored share, and falls back to the default for anything that is not one', () => {
    assert.equal(storedShare('55'), 55);
    assert.equal(storedShare('5'), SPLIT.min);
    for (const bad of [null, '', '  ', 'wide', 'NaN', 'Infinity', '1e999']) {
      assert.equal(storedShare(bad), SPLIT.defaultShare, `stored ${JSON.stringify(bad)}`);
    }
  });

  test('follows a pointer across the split, mirrored right to left', () => {
    assert.equal(shareAtPointer(500, 100, 1000), 40);
    assert.equal(shareAtPointer(500, 100, 1000, true), 60);
    assert.equal(shareAtPointer(-50, 100, 1000), SPLIT.min);
    assert.equal(shareAtPointer(5000, 100, 1000), SPLIT.max);
    assert.equal(shareAtPointer(500, 100, 0), SPLIT.defaultShare, 'a split with no width');
  });

  test('answers the keys of a window splitter, and no others', () => {
    assert.equal(shareAfterKey(40, 'ArrowRight'), 40 + SPLIT.step);
    assert.equal(shareAfterKey(40, 'ArrowLeft'), 40 - SPLIT.step);
    assert.equal(shareAfterKey(40, 'ArrowLeft', true), 40 + SPLIT.step);
    assert.equal(shareAfterKey(40, 'PageUp'), 40 + SPLIT.bigStep);
    assert.equal(shareAfterKey(40, 'PageDown'), 40 - SPLIT.bigStep);
    assert.equal(shareAfterKey(40, 'Home'), SPLIT.min);
    assert.equal(shareAfterKey(40, 'End'), SPLIT.max);
    assert.equal(shareAfterKey(SPLIT.max, 'ArrowRight'), SPLIT.max);
    assert.equal(shareAfterKey(40, 'Enter'), null);
  });
});

describe("the lab's arrangement", () => {
  const keys = ['0', '1', '2', '3', '4'];

  test('starts with the first pane in front, and reads the stored choice safely', () => {
    assert.equal(frontPane(initialLayout(keys, 'tabs')), '0');
    assert.equal(storedArrangement('pair'), 'pair');
    for (const bad of [null, '', 'GRID', 'all']) assert.equal(storedArrangement(bad), 'tabs');
  });

  test('shows one pane, the two last looked at in the lab’s order, or all', () => {
    let state = initialLayout(keys, 'tabs');
    assert.deepEqual(visiblePanes(state, keys), ['0']);
    state = focusPane(state, '3');
    assert.deepEqual(visiblePanes(state, keys), ['3']);
    state = arrange(state, 'pair');
    assert.deepEqual(visiblePanes(state, keys), ['0', '3'], 'the last two, left to right as in the lab');
    state = focusPane(state, '1');
    assert.deepEqual(visiblePanes(state, keys), ['1', '3']);
    assert.equal(frontPane(state), '1');
    state = arrange(state, 'grid');
    assert.deepEqual(visiblePanes(state, keys), keys);
    state = arrange(state, 'tabs');
    assert.deepEqual(visiblePanes(state, keys), ['1'], 'back to one: the one in front');
  });

  test('an unknown pane, or the one already in front, changes nothing', () => {
    const state = initialLayout(keys, 'pair');
    assert.equal(focusPane(state, 'nine'), state);
    assert.equal(focusPane(state, '0'), state);
    assert.equal(arrange(state, 'pair'), state);
  });

  test('a lab of one pane shows it in every arrangement', () => {
    for (const arrangement of ['tabs', 'pair', 'grid'] as const) {
      assert.deepEqual(visiblePanes(initialLayout(['0'], arrangement), ['0']), ['0']);
    }
  });
});
