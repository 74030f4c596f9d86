import { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../shared/errors';
import type { QueryRunner } from '../../shared/sql';
import { requireAuthenticated } from '../../infrastructure/http/authenticate';
import { sendHttpError } from '../../infrastructure/http/error-mapping';
import type { FileRouteSettings } from '../../infrastructure/http/file-routes';
import { findVisibleImportJob } from './import-job.service';

/** GET /jobs/:id: an import job's progress, and its answer once finished; unknown and not-yours look alike (404). */
export function importJobRoutes(settings: FileRouteSettings, db: QueryRunner): Router {
  const router = Router();
  router.get('/jobs/:id', async (request: Request, response: Response) => {
    try {
      const viewer = requireAuthenticated(request, settings.jwtSecret, 'A bearer token is required: "Authorization: Bearer <token>"');
      const job = await findVisibleImportJob(db, viewer, String(request.params.id));
      if (job === null) throw new NotFoundError('No import job with this id');
      response.status(200).set('cache-control', 'no-store').json(job);
    } catch (error) {
      sendHttpError(response, error, settings.logger, settings.production);
    }
  });
  return router;
}
