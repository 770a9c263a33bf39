// Names for the generated schema types (src/api/schema.d.ts is generated from /api/schema/).
export type {
  AuthOut,
  UserOut,
  ProfileOut,
  ProfileIn,
  CoachOut,
  AthleteOut,
  ComplianceOut,
  ExerciseListOut,
  ExerciseOut,
  ExerciseIn,
  WorkoutListOut,
  WorkoutOut,
  WorkoutIn,
  WorkoutExerciseOut,
  WorkoutExerciseIn,
  SessionOut,
  SessionListOut,
  SessionDetailOut,
  SessionIn,
  CompleteIn,
  LogOut,
  LogIn,
  LogListOut,
  PersonalRecordOut,
  ProgressOut,
  StatisticsOut,
  SetType,
  ExerciseCategory,
  MuscleGroup,
  Difficulty,
  FitnessGoal,
  ExperienceLevel,
  SessionStatus,
} from "./schema";

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}
