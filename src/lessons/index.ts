// SPDX-License-Identifier: MIT
/** Lessons: the format's types, its parser and the check of a trace against a lesson's expectations. */
export * from './types.js';
export { parseLesson, parseLessons, lessonIdFromFile } from './parse-lesson.js';
export { checkExpectations, describeExpectation, type ExpectationResult } from './expectations.js';
export { EXPECT_KEYS, HIGHLIGHT_KEYS } from './expectation-keys.js';
