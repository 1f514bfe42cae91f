// Kept for modules written before core/project.ts landed: the Project API re-exported, and a factory.
import type { KnowledgeBase } from '../core/kb/kb';
import { Project, type ProjectOptions } from '../core/project';

export { Project };

export function createProject(kb: KnowledgeBase, options: ProjectOptions = {}): Project {
  return new Project(kb, options);
}
