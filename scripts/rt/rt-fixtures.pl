#!/usr/bin/perl
# rt-fixtures.pl: what REST 2.0 cannot set up on a test instance started by
# start-rt.sh, done through RT's Perl API: custom fields applied globally,
# the OwnTicket right, and a second agent with another time zone.
#
# Usage: rt-fixtures.pl DIR [--tz-password PW]
#   DIR  the instance directory printed by start-rt.sh ("dir:")
#
# Creates (idempotently):
#   - ticket custom field "Tags"     (Select, multiple values: billing bug refund vip)
#   - ticket custom field "Severity" (Freeform, one value)
#   - user custom field "External ID" (Freeform, one value)
#   - the OwnTicket right for every privileged user (RT grants no one by default:
#     without it, REST answers 200/201 and silently leaves the owner as Nobody)
#   - CreateTicket and ReplyToTicket for Everyone, so mail fed to rt-mailgate from
#     unknown senders opens tickets and adds replies (as on a public support address)
#   - user "tz.agent": privileged, SuperUser, Timezone America/New_York, with the
#     password given by --tz-password (default: tz-password), for Basic auth and
#     for checking how TicketSQL dates are read in another time zone
# Prints "key: value" lines (custom field ids, the tz.agent id). Needs no server:
# it writes to DIR/rt.db; a running server sees the changes at its next request.
use strict;
use warnings;

my $dir = shift @ARGV or die "usage: rt-fixtures.pl DIR [--tz-password PW]\n";
my $tz_password = 'tz-password';
while (@ARGV) {
    my $a = shift @ARGV;
    if ($a eq '--tz-password') { $tz_password = shift @ARGV // die "--tz-password needs a value\n" }
    else { die "unknown argument: $a\n" }
}
-f "$dir/RT_SiteConfig.pm" or die "no RT_SiteConfig.pm in $dir (not a start-rt.sh instance)\n";

BEGIN { unshift @INC, '/usr/share/request-tracker5/lib' }
$ENV{RT_SITE_CONFIG}     = "$dir/RT_SiteConfig.pm";
$ENV{RT_SITE_CONFIG_DIR} = "$dir/RT_SiteConfig.d";
chdir $dir or die "chdir $dir: $!\n";
require RT;
RT::LoadConfig();
RT::Init();

my $sys = RT->SystemUser;

sub custom_field {
    my (%a) = @_;
    my $values = delete $a{Values} || [];
    my $global = delete $a{Global};
    my $cf = RT::CustomField->new($sys);
    $cf->LoadByName(Name => $a{Name}, LookupType => $a{LookupType});
    unless ($cf->id) {
        my ($id, $msg) = $cf->Create(%a);
        die "custom field $a{Name}: $msg\n" unless $id;
    }
    unless ($cf->IsGlobal) {
        my ($ok, $msg) = $cf->AddToObject($global);
        die "applying custom field $a{Name}: $msg\n" unless $ok;
    }
    my %have = map { $_->Name => 1 } @{ $cf->Values->ItemsArrayRef };
    my $order = 0;
    for my $v (@$values) {
        $order++;
        next if $have{$v};
        my ($ok, $msg) = $cf->AddValue(Name => $v, SortOrder => $order);
        die "value $v of $a{Name}: $msg\n" unless $ok;
    }
    return $cf->id;
}

my $tags = custom_field(
    Name => 'Tags', Type => 'Select', MaxValues => 0, LookupType => 'RT::Queue-RT::Ticket',
    Global => RT::Queue->new($sys), Values => [qw(billing bug refund vip)],
);
my $severity = custom_field(
    Name => 'Severity', Type => 'Freeform', MaxValues => 1, LookupType => 'RT::Queue-RT::Ticket',
    Global => RT::Queue->new($sys),
);
my $external = custom_field(
    Name => 'External ID', Type => 'Freeform', MaxValues => 1, LookupType => 'RT::User',
    Global => RT::User->new($sys),
);

my $privileged = RT::Group->new($sys);
$privileged->LoadSystemInternalGroup('Privileged');
die "no Privileged group\n" unless $privileged->id;
unless ($privileged->PrincipalObj->HasRight(Right => 'OwnTicket', Object => RT->System)) {
    my ($ok, $msg) = $privileged->PrincipalObj->GrantRight(Right => 'OwnTicket', Object => RT->System);
    die "granting OwnTicket: $msg\n" unless $ok;
}

my $everyone = RT::Group->new($sys);
$everyone->LoadSystemInternalGroup('Everyone');
die "no Everyone group\n" unless $everyone->id;
for my $right (qw(CreateTicket ReplyToTicket)) {
    next if $everyone->PrincipalObj->HasRight(Right => $right, Object => RT->System);
    my ($ok, $msg) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
    die "granting $right to Everyone: $msg\n" unless $ok;
}

my $tz = RT::User->new($sys);
$tz->Load('tz.agent');
unless ($tz->id) {
    my ($id, $msg) = $tz->Create(
        Name => 'tz.agent', EmailAddress => 'tz.agent@rt.test', RealName => 'Time Zone Agent',
        Privileged => 1, Timezone => 'America/New_York',
    );
    die "creating tz.agent: $msg\n" unless $id;
}
my ($ok, $msg) = $tz->SetPassword($tz_password);
die "tz.agent password: $msg\n" unless $ok;
unless ($tz->PrincipalObj->HasRight(Right => 'SuperUser', Object => RT->System)) {
    ($ok, $msg) = $tz->PrincipalObj->GrantRight(Right => 'SuperUser', Object => RT->System);
    die "granting SuperUser to tz.agent: $msg\n" unless $ok;
}

print "tags_cf: $tags\n";
print "severity_cf: $severity\n";
print "external_id_cf: $external\n";
print "tz_user_id: ", $tz->id, "\n";
print "tz_user: tz.agent\n";
