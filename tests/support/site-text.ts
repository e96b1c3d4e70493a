/**
 * The site as a browser test reads it, in both languages: the first lesson's paths, and the words a test finds things
 * by (buttons by their accessible names, badges, messages).
 */
export type Lang = 'zh' | 'en';

export const LESSON_01: Record<Lang, string> = {
  zh: '/lessons/01-first-client-server/',
  en: '/en/lessons/01-first-client-server/',
};

/** The UI strings a test looks for, as src/content/i18n has them. */
export const UI = {
  zh: {
    run: '运行',
    stop: '停止',
    restart: '重启',
    idle: '就绪',
    running: '运行中',
    reconnecting: '连接中断，正在重新连接…',
    passcode: '口令',
    displayName: '显示名',
    join: '加入',
    joinTitle: '加入课堂',
    wrongPasscode: '口令不对。请向老师确认后再试一次。',
    notJoined: '要使用终端，请先加入课堂：',
    save: '保存',
    saved: '已保存',
    unsaved: '未保存',
    compare: '与原文件对比',
    resetFile: '还原此文件',
    loadTheirs: '载入新版本（丢弃我的修改）',
    replaceAll: '全部替换',
  },
  en: {
    run: 'Run',
    stop: 'Stop',
    restart: 'Restart',
    idle: 'ready',
    running: 'running',
    reconnecting: 'Connection lost, reconnecting...',
    passcode: 'Passcode',
    displayName: 'Display name',
    join: 'Join',
    joinTitle: 'Join the class',
    wrongPasscode: 'That passcode is not right. Check it with your instructor and try again.',
    notJoined: 'To use the terminals, join the class first:',
    save: 'Save',
    saved: 'saved',
    unsaved: 'unsaved',
    compare: 'Compare with the original',
    resetFile: 'Reset this file',
    loadTheirs: 'Load the new version (drop my changes)',
    replaceAll: 'replace all',
  },
} as const;
