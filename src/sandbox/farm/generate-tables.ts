import { MISSING_ASSET_CODE, MISSING_TEXTURE_CODE, NODE_LOST_CODE, RENDER_TIMEOUT_CODE } from './causes.js';
import { TASK } from './model.js';

/** What the seeded data set (generate.ts) draws its tasks from: statuses, applications, scenes, frame counts and times. */

/** The purpose-made tasks (generate.ts). */
export type Design = 'missing_asset' | 'transient' | 'resubmitted';
export const DESIGNS: readonly Design[] = ['missing_asset', 'transient', 'resubmitted'];
export const DESIGN_CODES: Readonly<Record<Design, number[]>> = {
  missing_asset: [MISSING_ASSET_CODE],
  transient: [RENDER_TIMEOUT_CODE, NODE_LOST_CODE],
  resubmitted: [MISSING_TEXTURE_CODE, NODE_LOST_CODE],
};
/** How long ago each was submitted (hours): among the newest tasks with failures. */
export const DESIGN_AGE_HOURS: Readonly<Record<Design, readonly [number, number]>> = { missing_asset: [2, 5], transient: [5, 9], resubmitted: [9, 20] };

export const STATUS_WEIGHTS: readonly (readonly [number, number])[] = [
  [TASK.WAITING, 5],
  [TASK.RENDERING, 7],
  [TASK.PRE_RENDERING, 1.5],
  [TASK.STOP, 4],
  [TASK.USER_STOP, 2],
  [TASK.ARREARAGE_STOP, 1.5],
  [TASK.TIME_OUT_STOP, 2],
  [TASK.FINISHED, 40],
  [TASK.FINISHED_HAS_FAILED, 12],
  [TASK.ABANDON, 3],
  [TASK.FINISHED_TEST, 2],
  [TASK.FAILED, 4],
  [TASK.ANALYSE, 2],
  [TASK.SUBMITTING, 1],
  [TASK.SUBMIT_FAIL, 1],
  [TASK.FINISHED_HAS_STOPPED, 1.5],
  [TASK.UPDATING, 0.8],
];

export const SOFTWARE_WEIGHTS: readonly (readonly [number, number])[] = [
  [2000, 28],
  [2001, 30],
  [2004, 12],
  [2005, 10],
  [2007, 10],
  [2008, 3],
  [2012, 4],
  [2013, 3],
];

export const SCENES: Readonly<Record<number, readonly string[]>> = {
  2000: ['shot_010_lighting', 'shot_020_anim', 'sq05_sh030_fx', 'char_turntable', 'env_forest_day', 'hero_closeup', 'city_flythrough'],
  2001: ['living_room', '衣帽间', 'kitchen_interior', 'lobby_night', 'bathroom_02', 'exterior_villa', 'office_open_space', '3d66.com_593362_2018'],
  2004: ['pyro_explosion', 'ocean_waves', 'destruction_rbd', 'test_no_randerman_175', 'smoke_trail', 'crowd_sim'],
  2005: ['product_turntable', 'logo_reveal', 'watch_ad', 'abstract_loop'],
  2007: ['forest_scene', 'robot_walk', 'interior_archviz', 'spaceship_flyby'],
  2008: ['interior_cam02', 'exterior_dusk'],
  2012: ['watch_closeup', 'sneaker_studio', 'bottle_label'],
  2013: ['city_block', 'desert_canyon'],
};
export const EXTENSIONS: Readonly<Record<number, readonly string[]>> = {
  2000: ['mb', 'ma'],
  2001: ['max'],
  2004: ['hip', 'hipnc'],
  2005: ['c4d'],
  2007: ['blend'],
  2008: ['vrscene'],
  2012: ['bip'],
  2013: ['project'],
};
export const CAMERAS: Readonly<Record<number, readonly string[]>> = {
  2000: ['shotCam', 'renderCam', 'persp'],
  2001: ['VRayCam001', 'VRayCam003', 'Camera001', 'PhysCamera002'],
  2004: ['/obj/cam1', '/obj/shot_cam'],
  2005: ['Camera', 'Main Camera'],
  2007: ['Camera', 'CAM_main'],
  2008: ['cam02'],
  2012: ['Camera 1', 'Studio Cam'],
  2013: ['project://scene/camera'],
};
export const FRAME_COUNTS: Readonly<Record<number, readonly [number, number]>> = {
  2000: [24, 500],
  2001: [30, 400],
  2004: [48, 300],
  2005: [60, 300],
  2007: [100, 600],
  2008: [1, 100],
  2012: [1, 60],
  2013: [24, 120],
};
export const FRAME_SECONDS: Readonly<Record<number, readonly [number, number]>> = {
  2000: [90, 600],
  2001: [120, 900],
  2004: [60, 500],
  2005: [45, 300],
  2007: [30, 240],
  2008: [60, 400],
  2012: [20, 150],
  2013: [60, 400],
};
export const LIVE = new Set<number>([TASK.WAITING, TASK.RENDERING, TASK.PRE_RENDERING]);
export const STOPPED = new Set<number>([TASK.STOP, TASK.USER_STOP, TASK.ARREARAGE_STOP, TASK.TIME_OUT_STOP, TASK.ABANDON]);
export const LAYERS = ['masterLayer', 'beauty', 'shadow', 'fx_smoke', 'char_A', 'env_BG', 'AO', 'crypto'];
export const PRODUCERS = [null, null, 'Li Wei', 'Maria Santos', 'Chen Jing', 'Tom Becker'];
export const TILES = [9, 12, 16, 17, 20, 25];
export const RESOLUTIONS: readonly (readonly [number, number])[] = [
  [1920, 1080],
  [3000, 2000],
  [4000, 2250],
  [700, 518],
];
