// SPDX-License-Identifier: MIT
/**
 * The guest shell's prompt (PS1 '\u@\h:\w\$ ', host kdbus) at the very end
 * of the console output: the replay's sign that a command is done and the
 * next may be typed, in the browser and in Node alike.
 */
export const PROMPT_AT_END = /@kdbus:[^\n]*[#$] $/;
