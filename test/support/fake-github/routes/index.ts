import type { Handler } from '../http.js';
import { gitDataRoutes } from './git-data.js';
import { issueRoutes } from './issues.js';
import { mergeRoutes } from './merge.js';
import { pullRoutes } from './pulls.js';
import { repoRoutes } from './repos.js';
import { reviewRoutes } from './reviews.js';
import { statusRoutes } from './statuses.js';
import { teamRoutes } from './teams.js';

/** Every operation the fake implements, by GitHub operationId. */
export const routes: Record<string, Handler> = {
  ...repoRoutes,
  ...pullRoutes,
  ...reviewRoutes,
  ...mergeRoutes,
  ...teamRoutes,
  ...statusRoutes,
  ...issueRoutes,
  ...gitDataRoutes,
};
