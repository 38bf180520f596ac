#!/usr/bin/perl
# seed-db.pl: insert N tickets straight into the SQLite database of an RT instance started by
# start-rt.sh, in one transaction, with the rows RT 5.0.3 itself writes when a ticket is created
# through REST 2.0 (read from schema.SQLite and from a database after POST /ticket):
#
#   Tickets             id, EffectiveId = id, Queue, Type 'ticket', Owner Nobody, Subject,
#                       priorities, Status, Starts/Started/Due/Resolved, Creator/LastUpdatedBy
#                       root, Created/LastUpdated
#   Principals, Groups  the ticket's four role groups (AdminCc, Cc, Owner, Requestor), domain
#                       'RT::Ticket-Role', Instance = ticket id, one 'Group' principal each
#   CachedGroupMembers  each role group's row for itself (Via = its own row)
#   GroupMembers (+CGM) Nobody in the Owner group, the requestor in the Requestor group
#   Transactions        'Create' on each role group and on the ticket
#
# Not written: the autoreply scrip's 'EmailRecord' transaction and its mail attachments (mail
# RT would send, not ticket data), and no message body (a REST create without Content writes
# none either). Status changes after creation are not recorded as transactions: a ticket is
# inserted in its final status, as if created so.
#
# Usage: seed-db.pl DIR N [--requestors K] [--queue NAME]
#   DIR  the instance directory start-rt.sh printed ("dir:"); its rt.db is written
#   N    tickets to add (after any already there; ids continue from the highest)
#   --requestors K  requestors seed-0@example.com … seed-(K-1)@example.com, ticket i gets
#                   seed-(i mod K) (default 10; created through RT's Perl API when missing)
#   --queue NAME    the queue (default General)
# Ticket i (counting from 0 over this run) gets status new, open, stalled, resolved, rejected
# in turn (i mod 5), priority 0/50/100/200 in turn, subject "Seed ticket <id>: réclamation ✓",
# and Created = LastUpdated one second apart up to now (UTC), never older than the newest ticket
# already there.
#
# Safe while the server runs: the inserts hold SQLite's write lock (BEGIN IMMEDIATE) for the
# one transaction, and RT reads tickets, role groups and members from the database at each
# request. Prints "key: value" lines: first_id, last_id, tickets, seconds, rows.
use strict;
use warnings;
use DBI;
use Time::HiRes ();
use POSIX ();

my $usage = "usage: seed-db.pl DIR N [--requestors K] [--queue NAME]\n";
my $dir = shift @ARGV or die $usage;
my $n = shift @ARGV;
defined $n && $n =~ /^\d+$/ or die $usage;
my ($requestors, $queue_name) = (10, 'General');
while (@ARGV) {
    my $a = shift @ARGV;
    if ($a eq '--requestors') { $requestors = shift @ARGV // die $usage }
    elsif ($a eq '--queue') { $queue_name = shift @ARGV // die $usage }
    else { die "unknown argument: $a\n$usage" }
}
$requestors =~ /^[1-9]\d*$/ or die "--requestors must be a positive number\n";
-f "$dir/RT_SiteConfig.pm" && -f "$dir/rt.db" or die "no RT_SiteConfig.pm and rt.db in $dir (not a start-rt.sh instance)\n";

my $t0 = Time::HiRes::time();

# ---------------------------------------------------------------- through RT: users, queue, ids
# Users carry more rows (ACL equivalence group, Everyone/Unprivileged memberships): RT makes them.
BEGIN { unshift @INC, '/usr/share/request-tracker5/lib' }
$ENV{RT_SITE_CONFIG}     = "$dir/RT_SiteConfig.pm";
$ENV{RT_SITE_CONFIG_DIR} = "$dir/RT_SiteConfig.d";
chdir $dir or die "chdir $dir: $!\n";
require RT;
RT::LoadConfig();
RT::Init();
my $sys = RT->SystemUser;

my $root = RT::User->new($sys);
$root->Load('root');
$root->id or die "RT has no root user\n";
my $nobody = RT->Nobody->id or die "RT has no Nobody user\n";

my $queue = RT::Queue->new($sys);
$queue->Load($queue_name);
$queue->id or die "RT has no queue $queue_name\n";

my @requestor_ids;
for my $k (0 .. $requestors - 1) {
    my $u = RT::User->new($sys);
    my $email = "seed-$k\@example.com";
    $u->LoadOrCreateByEmail(EmailAddress => $email, Comments => 'Autocreated when added as a watcher');
    $u->id or die "could not create requestor $email\n";
    push @requestor_ids, $u->id;
}
RT->DatabaseHandle->Disconnect;

# ---------------------------------------------------------------- the bulk insert
my $dbh = DBI->connect("dbi:SQLite:dbname=$dir/rt.db", '', '',
    { RaiseError => 1, AutoCommit => 1, PrintError => 0, sqlite_use_immediate_transaction => 1 });
$dbh->sqlite_busy_timeout(60_000);
$dbh->do('PRAGMA cache_size = -65536');
$dbh->begin_work;

my $next = sub {
    my ($table) = @_;
    my ($max) = $dbh->selectrow_array("SELECT COALESCE(MAX(id), 0) FROM $table");
    return $max + 1;
};
my $ticket_id = $next->('Tickets');
my $principal_id = $next->('Principals');
my ($gmax) = $dbh->selectrow_array('SELECT COALESCE(MAX(id), 0) FROM Groups');
$principal_id = $gmax + 1 if $gmax + 1 > $principal_id;
my $txn_id = $next->('Transactions');
my $gm_id = $next->('GroupMembers');
my $cgm_id = $next->('CachedGroupMembers');

my %sth = (
    ticket => $dbh->prepare(
        'INSERT INTO Tickets (id, EffectiveId, Queue, Type, Owner, Subject, InitialPriority, FinalPriority, Priority,'
      . ' TimeEstimated, TimeWorked, Status, TimeLeft, Starts, Started, Due, Resolved, LastUpdatedBy, LastUpdated,'
      . ' Creator, Created) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, 0, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)'),
    principal => $dbh->prepare("INSERT INTO Principals (id, PrincipalType, Disabled) VALUES (?, 'Group', 0)"),
    group => $dbh->prepare(
        "INSERT INTO Groups (id, Name, Domain, Instance, Creator, Created, LastUpdatedBy, LastUpdated)"
      . " VALUES (?, ?, 'RT::Ticket-Role', ?, ?, ?, ?, ?)"),
    gm => $dbh->prepare(
        'INSERT INTO GroupMembers (id, GroupId, MemberId, Creator, Created, LastUpdatedBy, LastUpdated)'
      . ' VALUES (?, ?, ?, ?, ?, ?, ?)'),
    cgm => $dbh->prepare(
        'INSERT INTO CachedGroupMembers (id, GroupId, MemberId, Via, ImmediateParentId, Disabled)'
      . ' VALUES (?, ?, ?, ?, ?, 0)'),
    txn => $dbh->prepare(
        "INSERT INTO Transactions (id, ObjectType, ObjectId, TimeTaken, Type, Creator, Created)"
      . " VALUES (?, ?, ?, 0, 'Create', ?, ?)"),
);

my @statuses = qw(new open stalled resolved rejected);
my @priorities = (0, 50, 100, 200);
my $unset = '1970-01-01 00:00:00';
my $creator = $root->id;
# One second apart, ending about now; never before the newest ticket already there, never
# after now (tickets past that share the current second), so Created grows with the id.
my $now = time();
my ($newest) = $dbh->selectrow_array(
    "SELECT COALESCE(MAX(CAST(strftime('%s', Created) AS INTEGER)), 0) FROM Tickets WHERE Created IS NOT NULL");
my $start = $now - $n;
$start = $newest if $newest > $start;
my ($first_id, $rows) = ($ticket_id, 0);

# A group: its principal, its row, its own cached membership, its Create transaction.
my $role_group = sub {
    my ($name, $ticket, $at) = @_;
    my $gid = $principal_id++;
    $sth{principal}->execute($gid);
    $sth{group}->execute($gid, $name, $ticket, $creator, $at, $creator, $at);
    my $self_row = $cgm_id++;
    $sth{cgm}->execute($self_row, $gid, $gid, $self_row, $gid);
    $sth{txn}->execute($txn_id++, 'RT::Group', $gid, $creator, $at);
    $rows += 4;
    return $gid;
};
my $member = sub {
    my ($gid, $principal, $at) = @_;
    $sth{gm}->execute($gm_id++, $gid, $principal, $creator, $at, $creator, $at);
    my $row = $cgm_id++;
    $sth{cgm}->execute($row, $gid, $principal, $row, $gid);
    $rows += 2;
};

for my $i (0 .. $n - 1) {
    my $id = $ticket_id++;
    my $second = $start + $i;
    $second = $now if $second > $now;
    my $at = POSIX::strftime('%Y-%m-%d %H:%M:%S', gmtime($second));
    my $status = $statuses[$i % @statuses];
    # RT sets Started when a ticket leaves its initial status, Resolved when it becomes inactive.
    my $started = $status eq 'new' ? $unset : $at;
    my $resolved = ($status eq 'resolved' || $status eq 'rejected') ? $at : $unset;
    # Without `use utf8` the subject literal is its UTF-8 bytes, which is how RT stores text.
    $sth{ticket}->execute($id, $id, $queue->id, 'ticket', $nobody, "Seed ticket $id: réclamation ✓",
        $priorities[$i % @priorities], $status, $unset, $started, $unset, $resolved, $creator, $at, $creator, $at);
    $rows++;
    # RT creates the role groups in this order, then the ticket's Create transaction.
    $role_group->('AdminCc', $id, $at);
    $role_group->('Cc', $id, $at);
    my $owner = $role_group->('Owner', $id, $at);
    my $req = $role_group->('Requestor', $id, $at);
    $member->($owner, $nobody, $at);
    $member->($req, $requestor_ids[$i % @requestor_ids], $at);
    $sth{txn}->execute($txn_id++, 'RT::Ticket', $id, $creator, $at);
    $rows++;
}
$dbh->commit;
$dbh->disconnect;

printf "first_id: %d\nlast_id: %d\ntickets: %d\nrows: %d\nseconds: %.1f\n",
    $first_id, $ticket_id - 1, $n, $rows, Time::HiRes::time() - $t0;
