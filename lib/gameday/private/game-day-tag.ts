/** The tag that marks a state machine as the app's Region evacuation drill (rule MultiRegion-GD1 looks for it). */
export const GAME_DAY_TAG = 'multi-region:game-day';
